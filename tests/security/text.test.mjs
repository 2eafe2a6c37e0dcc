// Issue 17, row 14 (API.md "Security, tightened"): one definition of blank, shared by the C
// validation (service/core/text.c, blanks[]) and SQL (blank_chars() and trim_blanks() in
// migrations/functions/00_common.sql); bidirectional control characters refused in names
// and titles (422 with a pointer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { api, assertProblem, tokenFor, sql, seedDocument } from '../integration/lib.mjs';

const admin = tokenFor('administradora', { sub: 'security-text' });
const uniq = () => randomBytes(4).toString('hex');

/** The code points of blanks[] in service/core/text.c. */
function cBlanks() {
  const src = readFileSync(new URL('../../service/core/text.c', import.meta.url), 'utf8');
  const table = src.match(/static const uint32_t blanks\[\] = \{([^}]*)\}/)[1];
  return table.match(/0x[0-9A-Fa-f]+/g).map((h) => parseInt(h, 16)).sort((a, b) => a - b);
}

test('C and SQL list the same blanks', () => {
  const text = sql("SELECT string_agg(to_hex(ascii(c)), ',') FROM regexp_split_to_table(blank_chars(), '') AS c");
  const fromSql = text.split(',').map((h) => parseInt(h, 16)).sort((a, b) => a - b);
  assert.deepEqual(fromSql, cBlanks());
  assert.ok(fromSql.includes(0xa0) && fromSql.includes(0x3000) && fromSql.includes(0x09));
});

test('50 tabs (or no-break spaces) and 200 characters: accepted as 200 by C and stored as 200 by SQL', async () => {
  for (const blank of ['\t', '\u00a0', '\u3000']) {
    const name = `${blank.repeat(50)}${`U${uniq()}`.padEnd(200, 'x')}`;
    const res = await api('POST', '/api/v1/units', { token: admin, body: { name } });
    assert.equal(res.status, 201, `${JSON.stringify(blank)}: ${res.text}`);
    assert.equal([...res.json.name].length, 200);
    const over = `${blank.repeat(50)}${`V${uniq()}`.padEnd(201, 'x')}`;
    const bad = await api('POST', '/api/v1/units', { token: admin, body: { name: over } });
    assertProblem(bad, 422, 'validation_failed');
    assert.equal(bad.json.errors[0].pointer, '/name');
  }
});

test('a name of blanks only is refused by C (422 at /name)', async () => {
  const res = await api('POST', '/api/v1/units', { token: admin, body: { name: '\u00a0\u2003\ufeff' } });
  assertProblem(res, 422, 'validation_failed');
  assert.equal(res.json.errors[0].pointer, '/name');
});

test('the issue: a rejection whose response is only U+00A0 → 422 response_required', async () => {
  const doc = seedDocument();
  doc.title = `Plan de seguridad ${uniq()}`;
  const plan = await api('POST', '/api/v1/plans/import', { token: admin, body: doc });
  assert.equal(plan.status, 201, plan.text.slice(0, 300));
  const axis = plan.json.axes[0].id;
  const citizen = tokenFor('ciudadanos', { sub: `security-${uniq()}@example.org` });
  const obs = await api('POST', `/api/v1/axes/${axis}/observations`, { token: citizen, body: { kind: 'observation', body: 'Una observación' } });
  assert.equal(obs.status, 201, obs.text);
  const path = `/api/v1/observations/${obs.json.id}`;
  assert.equal((await api('PATCH', path, { token: admin, body: { status: 'in_review' } })).status, 200);
  for (const response of ['\u00a0', '\u00a0\t\u3000', '\ufeff']) {
    const res = await api('PATCH', path, { token: admin, body: { status: 'rejected', response } });
    assertProblem(res, 422, 'response_required');
  }
  assert.equal((await api('PATCH', path, { token: admin, body: { status: 'rejected', response: 'No procede.' } })).status, 200);
});

test('the issue: U+202E (right-to-left override) in a unit name → 422 at /name; other bidi controls too', async () => {
  for (const mark of ['\u202e', '\u202a', '\u2066', '\u2069', '\u200f', '\u061c']) {
    const res = await api('POST', '/api/v1/units', { token: admin, body: { name: `Unidad ${mark}fdp.exe` } });
    assertProblem(res, 422, 'validation_failed');
    assert.equal(res.json.errors[0].pointer, '/name', JSON.stringify(mark));
  }
});

test('bidi controls refused in a plan title, an axis name and a registration name', async () => {
  const doc = seedDocument();
  doc.title = `Plan \u202e${uniq()}`;
  const plan = await api('POST', '/api/v1/plans/import', { token: admin, body: doc });
  assert.equal(plan.status, 422, plan.text.slice(0, 300));
  assert.ok(plan.json.errors.some((e) => e.pointer === '/title'), plan.text.slice(0, 300));
  const reg = await api('POST', '/api/v1/auth/register', {
    body: { email: `bidi.${uniq()}@example.org`, password: 'a registration password', name: 'Ana \u2067Pérez' },
  });
  assertProblem(reg, 422, 'validation_failed');
  assert.equal(reg.json.errors[0].pointer, '/name');
});

test('right-to-left text itself (Arabic, Hebrew letters) is still accepted', async () => {
  const res = await api('POST', '/api/v1/units', { token: admin, body: { name: `وحدة ${uniq()}` } });
  assert.equal(res.status, 201, res.text);
});
