// Citizen participation: submitting, following and withdrawing observations; staff
// recording, reviewing and answering them; who sees what; Idempotency-Key; the hourly
// limit. Every test makes its own plans (copies of the seed document) and its own
// citizens (fresh subs), so the file depends on no order and on no other file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, assertProblem, tokenFor, seedDocument, sql, importSeedPlan, withStatus } from './lib.mjs';

const ADMIN = tokenFor('administradora', { sub: 'obs-admin@example.org' });
const DIRECTOR = tokenFor('directores', { sub: 'obs-director@example.org', unit_id: 1 });

const citizen = (name = 'cit') => {
  const sub = `obs-${name}-${randomUUID()}`;
  return { sub, token: tokenFor('ciudadanos', { sub }) };
};

// Imports a copy of the seed plan with the given status and returns {id, axis (first
// axis id), axes}.
async function importPlan(status = 'approved') {
  const plan = await importSeedPlan(`Plan de observaciones ${status}`, withStatus(status), ADMIN);
  return { id: plan.id, axis: plan.axes[0].id, axes: plan.axes.map((a) => a.id) };
}

async function submit(axis, token, body, headers = {}) {
  return api('POST', `/api/v1/axes/${axis}/observations`, { token, body, headers });
}

async function submitOk(axis, token, body = { kind: 'observation', body: 'Una observación de prueba' }) {
  const res = await submit(axis, token, body);
  assert.equal(res.status, 201, res.text.slice(0, 300));
  return res.json;
}

async function review(id, status, response, headers = {}) {
  const body = response === undefined ? { status } : { status, response };
  return api('PATCH', `/api/v1/observations/${id}`, { token: DIRECTOR, body, headers });
}

// Moves an observation to accepted or rejected through the review.
async function reviewTo(id, status) {
  assert.equal((await review(id, 'in_review')).status, 200);
  const res = await review(id, status, status === 'rejected' ? 'No corresponde a esta administración.' : undefined);
  assert.equal(res.status, 200, res.text.slice(0, 300));
  return res.json;
}

const rowsOnAxis = (axis) => Number(sql(`SELECT count(*) FROM observations WHERE axis_id = ${axis}`));

// ---------------------------------------------------------------- submission

test('a citizen submits on an approved plan: 201, Location, received, online, own author_sub', async () => {
  const plan = await importPlan();
  const who = citizen();
  const res = await submit(plan.axis, who.token, { kind: 'contribution', body: 'Mesas de trabajo en Conocoto' });
  assert.equal(res.status, 201, res.text);
  const o = res.json;
  assert.deepEqual(Object.keys(o), ['id', 'axis_id', 'kind', 'number', 'body', 'source', 'status',
    'response', 'outcome', 'answer_due', 'answer_overdue', 'unit_id', 'activity_id', 'author_sub', 'created_at', 'updated_at']);
  assert.equal(o.axis_id, plan.axis);
  assert.equal(o.kind, 'contribution');
  assert.equal(o.body, 'Mesas de trabajo en Conocoto');
  assert.equal(o.source, 'online');
  assert.equal(o.status, 'received');
  assert.equal(o.response, null);
  assert.equal(o.author_sub, who.sub);
  assert.match(o.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(res.headers.get('location'), `/api/v1/observations/${o.id}`);
  assert.match(res.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/);
});

test('the author and role of a submission are stored', async () => {
  const plan = await importPlan();
  const who = citizen();
  const o = await submitOk(plan.axis, who.token);
  assert.equal(sql(`SELECT author_sub || '|' || author_role FROM observations WHERE id = ${o.id}`),
    `${who.sub}|ciudadanos`);
});

test('a submission is written to the audit log with its actor', async () => {
  const plan = await importPlan();
  const who = citizen();
  const o = await submitOk(plan.axis, who.token);
  assert.equal(sql(`SELECT actor_sub || '|' || actor_role || '|' || action FROM audit_log
                    WHERE entity = 'observation' AND entity_id = ${o.id}`), `${who.sub}|ciudadanos|create`);
});

test('a citizen may send source online explicitly', async () => {
  const plan = await importPlan();
  const res = await submit(plan.axis, citizen().token, { kind: 'observation', body: 'Texto válido', source: 'online' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.source, 'online');
});

test('a citizen sending source deliberation gets 403 source_forbidden and nothing is stored', async () => {
  const plan = await importPlan();
  const before = rowsOnAxis(plan.axis);
  const res = await submit(plan.axis, citizen().token, { kind: 'observation', body: 'Texto válido', source: 'deliberation' });
  assertProblem(res, 403, 'source_forbidden');
  assert.equal(rowsOnAxis(plan.axis), before);
});

test('staff submissions default to source deliberation and may be online', async () => {
  const plan = await importPlan();
  const a = await submitOk(plan.axis, DIRECTOR);
  assert.equal(a.source, 'deliberation');
  assert.equal(a.author_sub, 'obs-director@example.org');
  const b = await submitOk(plan.axis, ADMIN, { kind: 'contribution', body: 'Aporte recibido en línea', source: 'online' });
  assert.equal(b.source, 'online');
});

test('without a token a submission gets 401 token_required', async () => {
  const plan = await importPlan();
  const res = await submit(plan.axis, undefined, { kind: 'observation', body: 'Texto válido' });
  assertProblem(res, 401, 'token_required');
});

test('a citizen submitting to a draft plan gets 404 axis_not_found; staff may record there', async () => {
  const plan = await importPlan('draft');
  assertProblem(await submit(plan.axis, citizen().token, { kind: 'observation', body: 'Texto válido' }), 404, 'axis_not_found');
  const o = await submitOk(plan.axis, ADMIN);
  assert.equal(o.status, 'received');
});

test('submitting to a closed plan gets 409 plan_closed for citizens and staff', async () => {
  const plan = await importPlan('closed');
  assertProblem(await submit(plan.axis, citizen().token, { kind: 'observation', body: 'Texto válido' }), 409, 'plan_closed');
  assertProblem(await submit(plan.axis, DIRECTOR, { kind: 'observation', body: 'Texto válido' }), 409, 'plan_closed');
});

test('submitting to an axis that does not exist gets 404 axis_not_found', async () => {
  assertProblem(await submit(999999999, citizen().token, { kind: 'observation', body: 'Texto válido' }), 404, 'axis_not_found');
});

test('a body under 3 characters after trimming gets 422 at /body', async () => {
  const plan = await importPlan();
  const p = assertProblem(await submit(plan.axis, citizen().token, { kind: 'observation', body: '  ab \n ' }), 422, 'validation_failed');
  assert.deepEqual(p.errors.map((e) => e.pointer), ['/body']);
});

test('a body of 5000 characters is accepted and one of 5001 gets 422', async () => {
  const plan = await importPlan();
  const who = citizen();
  const ok = await submit(plan.axis, who.token, { kind: 'observation', body: 'á'.repeat(5000) });
  assert.equal(ok.status, 201, ok.text.slice(0, 200));
  const p = assertProblem(await submit(plan.axis, who.token, { kind: 'observation', body: 'a'.repeat(5001) }), 422, 'validation_failed');
  assert.deepEqual(p.errors.map((e) => e.pointer), ['/body']);
});

test('a body padded with white space beyond what can be stored gets 422, not 500', async () => {
  const plan = await importPlan();
  const body = `${' '.repeat(16000)}${'x'.repeat(5000)}`;
  const p = assertProblem(await submit(plan.axis, DIRECTOR, { kind: 'observation', body }), 422, 'validation_failed');
  assert.deepEqual(p.errors.map((e) => e.pointer), ['/body']);
});

test('a bad kind, a missing body or an unknown member gets 422 with each pointer', async () => {
  const plan = await importPlan();
  const p = assertProblem(await submit(plan.axis, citizen().token, { kind: 'queja', extra: 1 }), 422, 'validation_failed');
  assert.deepEqual(p.errors.map((e) => e.pointer).sort(), ['/body', '/extra', '/kind']);
});

test('a submission without a body gets 400 body_required', async () => {
  const plan = await importPlan();
  const res = await api('POST', `/api/v1/axes/${plan.axis}/observations`, { token: citizen().token });
  assertProblem(res, 400, 'body_required');
});

test('hostile text round-trips byte for byte, surrounding blanks trimmed', async () => {
  const plan = await importPlan();
  const who = citizen();
  const hostile = " \t'; DROP TABLE observations; -- \"quoted\" \\ back\\slash <script>alert('x')</script>"
    + ' &amp; ñandú Ñ á é í ó ú ü 😀👩🏽‍🌾 \u200f\u202eعربى\u202c\u200e\r\n%s %n {{x}} ${y} \u00a0end  ';
  const o = await submitOk(plan.axis, who.token, { kind: 'observation', body: hostile });
  // Like every text of the plan, the body is kept without the blanks around it.
  const kept = hostile.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  assert.ok(kept.startsWith("';") && kept.endsWith('\u00a0end'));
  assert.equal(o.body, kept);
  const got = await api('GET', `/api/v1/observations/${o.id}`, { token: who.token });
  assert.equal(got.status, 200);
  assert.equal(got.json.body, kept);
  const mine = await api('GET', '/api/v1/me/observations', { token: who.token });
  assert.equal(mine.json.items.find((x) => x.id === o.id).body, kept);
  const stored = sql(`SELECT encode(convert_to(body, 'UTF8'), 'hex') FROM observations WHERE id = ${o.id}`);
  assert.equal(stored, Buffer.from(kept, 'utf8').toString('hex'));
});

// ---------------------------------------------------------------- Idempotency-Key

test('a repeated Idempotency-Key gets the first answer again and stores nothing twice', async () => {
  const plan = await importPlan();
  const who = citizen();
  const key = randomUUID();
  const body = { kind: 'observation', body: 'Enviado dos veces' };
  const a = await submit(plan.axis, who.token, body, { 'idempotency-key': key });
  const b = await submit(plan.axis, who.token, body, { 'idempotency-key': key });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.equal(b.text, a.text);
  assert.equal(b.headers.get('location'), a.headers.get('location'));
  assert.equal(b.headers.get('etag'), a.headers.get('etag'));
  assert.equal(sql(`SELECT count(*) FROM observations WHERE author_sub = '${who.sub}'`), '1');
});

test('20 parallel retries with one key give one row and 20 equal answers', async () => {
  const plan = await importPlan();
  const who = citizen();
  const key = `retry-${randomUUID()}`;
  const body = { kind: 'contribution', body: 'Reintento concurrente' };
  const answers = await Promise.all(Array.from({ length: 20 },
    () => submit(plan.axis, who.token, body, { 'idempotency-key': key })));
  for (const r of answers) {
    assert.equal(r.status, 201, r.text.slice(0, 300));
    assert.equal(r.text, answers[0].text);
    assert.equal(r.headers.get('location'), answers[0].headers.get('location'));
  }
  assert.equal(sql(`SELECT count(*) FROM observations WHERE author_sub = '${who.sub}'`), '1');
  assert.equal(sql(`SELECT count(*) FROM idempotency_keys WHERE actor_sub = '${who.sub}'`), '1');
});

test('the same key with a different body gets 422 idempotency_key_reused and stores nothing', async () => {
  const plan = await importPlan();
  const who = citizen();
  const key = randomUUID();
  assert.equal((await submit(plan.axis, who.token, { kind: 'observation', body: 'Primero' },
    { 'idempotency-key': key })).status, 201);
  const res = await submit(plan.axis, who.token, { kind: 'observation', body: 'Segundo' },
    { 'idempotency-key': key, 'accept-language': 'en' });
  const p = assertProblem(res, 422, 'idempotency_key_reused');
  assert.equal(p.errors[0].pointer, '');
  assert.equal(sql(`SELECT count(*) FROM observations WHERE author_sub = '${who.sub}'`), '1');
});

test('the same key on another axis gets 422 idempotency_key_reused', async () => {
  const plan = await importPlan();
  const who = citizen();
  const key = randomUUID();
  const body = { kind: 'observation', body: 'Mismo texto' };
  assert.equal((await submit(plan.axes[0], who.token, body, { 'idempotency-key': key })).status, 201);
  assertProblem(await submit(plan.axes[1], who.token, body, { 'idempotency-key': key }), 422, 'idempotency_key_reused');
});

test('keys belong to their actor: the same key from two citizens stores two rows', async () => {
  const plan = await importPlan();
  const key = randomUUID();
  const body = { kind: 'observation', body: 'Clave compartida' };
  const a = await submit(plan.axis, citizen('a').token, body, { 'idempotency-key': key });
  const b = await submit(plan.axis, citizen('b').token, body, { 'idempotency-key': key });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  assert.notEqual(a.json.id, b.json.id);
});

test('an Idempotency-Key over 200 characters or not printable ASCII gets 400 invalid_idempotency_key', async () => {
  const plan = await importPlan();
  const who = citizen();
  const body = { kind: 'observation', body: 'Clave inválida' };
  assertProblem(await submit(plan.axis, who.token, body, { 'idempotency-key': 'k'.repeat(201) }), 400, 'invalid_idempotency_key');
  // 'clave-ñ' in UTF-8 (header values travel as bytes; fetch writes each char as one byte).
  const utf8 = Buffer.from('clave-ñ', 'utf8').toString('latin1');
  assertProblem(await submit(plan.axis, who.token, body, { 'idempotency-key': utf8 }), 400, 'invalid_idempotency_key');
  assertProblem(await submit(plan.axis, who.token, body, { 'idempotency-key': '' }), 400, 'invalid_idempotency_key');
  const ok = await submit(plan.axis, who.token, body, { 'idempotency-key': 'k'.repeat(200) });
  assert.equal(ok.status, 201);
  assert.equal(sql(`SELECT count(*) FROM observations WHERE author_sub = '${who.sub}'`), '1');
});

test('50 parallel submissions with different keys store exactly 50 rows', async () => {
  const plan = await importPlan();
  const axis = plan.axes[1];
  const before = rowsOnAxis(axis);
  const staff = Array.from({ length: 5 },
    (_, i) => tokenFor('directores', { sub: `obs-bulk-${i}-${randomUUID()}`, unit_id: 1 }));
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => submit(axis, staff[i % 5],
    { kind: 'observation', body: `Observación número ${i}` }, { 'idempotency-key': `bulk-${i}` })));
  for (const r of answers) assert.equal(r.status, 201, r.text.slice(0, 300));
  assert.equal(new Set(answers.map((r) => r.json.id)).size, 50);
  assert.equal(rowsOnAxis(axis) - before, 50);
});

// ---------------------------------------------------------------- hourly limit

test('the 21st submission of a citizen within the hour gets 429 rate_limited with Retry-After', async () => {
  const plan = await importPlan();
  const who = citizen('limit');
  for (let i = 0; i < 20; i++) {
    const r = await submit(plan.axis, who.token, { kind: 'observation', body: `Envío ${i + 1}` });
    assert.equal(r.status, 201, `submission ${i + 1}: ${r.text.slice(0, 200)}`);
  }
  const res = await submit(plan.axis, who.token, { kind: 'observation', body: 'Envío 21' });
  assertProblem(res, 429, 'rate_limited');
  const after = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(after) && after >= 1 && after <= 3600, `Retry-After: ${res.headers.get('retry-after')}`);
  assert.equal(sql(`SELECT count(*) FROM observations WHERE author_sub = '${who.sub}'`), '20');
});

test('Retry-After counts down to when the oldest submission leaves the hour', async () => {
  const plan = await importPlan();
  const who = citizen('window');
  for (let i = 0; i < 20; i++) {
    assert.equal((await submit(plan.axis, who.token, { kind: 'observation', body: `Envío ${i + 1}` })).status, 201);
  }
  // The oldest was made 50 minutes ago: it leaves the window in about 600 s.
  sql(`UPDATE observations SET created_at = now() - interval '50 minutes'
       WHERE id = (SELECT min(id) FROM observations WHERE author_sub = '${who.sub}')`);
  const res = await submit(plan.axis, who.token, { kind: 'observation', body: 'Uno más' });
  assertProblem(res, 429, 'rate_limited');
  const after = Number(res.headers.get('retry-after'));
  assert.ok(after >= 595 && after <= 601, `Retry-After: ${after}`);
  // Once it has left, there is room for one more.
  sql(`UPDATE observations SET created_at = now() - interval '61 minutes'
       WHERE id = (SELECT min(id) FROM observations WHERE author_sub = '${who.sub}')`);
  assert.equal((await submit(plan.axis, who.token, { kind: 'observation', body: 'Uno más' })).status, 201);
});

test('a replayed Idempotency-Key still answers at the limit', async () => {
  const plan = await importPlan();
  const who = citizen('replay');
  const key = randomUUID();
  const first = await submit(plan.axis, who.token, { kind: 'observation', body: 'Envío 1' }, { 'idempotency-key': key });
  assert.equal(first.status, 201);
  for (let i = 1; i < 20; i++) {
    assert.equal((await submit(plan.axis, who.token, { kind: 'observation', body: `Envío ${i + 1}` })).status, 201);
  }
  const again = await submit(plan.axis, who.token, { kind: 'observation', body: 'Envío 1' }, { 'idempotency-key': key });
  assert.equal(again.status, 201);
  assert.equal(again.text, first.text);
});

test('the hourly limit holds under concurrency: 25 parallel submissions store 20', async () => {
  const plan = await importPlan();
  const who = citizen('burst');
  const answers = await Promise.all(Array.from({ length: 25 },
    (_, i) => submit(plan.axis, who.token, { kind: 'observation', body: `Ráfaga ${i}` })));
  const got = answers.map((r) => (r.status === 201 ? '201' : `${r.status} ${r.json?.reason}`)).sort();
  assert.deepEqual(got, [...Array(20).fill('201'), ...Array(5).fill('429 rate_limited')]);
  assert.equal(sql(`SELECT count(*) FROM observations WHERE author_sub = '${who.sub}'`), '20');
});

test('staff are not rate limited', async () => {
  const plan = await importPlan();
  const staff = tokenFor('directores', { sub: `obs-busy-${randomUUID()}`, unit_id: 1 });
  for (let i = 0; i < 21; i++) {
    const r = await submit(plan.axis, staff, { kind: 'observation', body: `Acta ${i + 1}` });
    assert.equal(r.status, 201, `submission ${i + 1}: ${r.text.slice(0, 200)}`);
  }
});

// ---------------------------------------------------------------- visibility

// One axis with: a citizen's received one, an accepted and a rejected one, a staff one.
async function visibilityFixture() {
  const plan = await importPlan();
  const axis = plan.axes[2];
  const author = citizen('author');
  const other = citizen('other');
  const own = await submitOk(axis, author.token, { kind: 'contribution', body: 'Propia, recibida' });
  const accepted = await submitOk(axis, author.token, { kind: 'observation', body: 'Propia, aceptada' });
  await reviewTo(accepted.id, 'accepted');
  const rejected = await submitOk(axis, other.token, { kind: 'observation', body: 'Ajena, rechazada' });
  await reviewTo(rejected.id, 'rejected');
  const staffOne = await submitOk(axis, DIRECTOR, { kind: 'observation', body: 'Del acta, recibida' });
  const created = [own.id, accepted.id, rejected.id, staffOne.id];
  return { plan, axis, author, other, own, accepted, rejected, staffOne, created };
}

async function listIds(axis, token, query = '') {
  const res = await api('GET', `/api/v1/axes/${axis}/observations${query}`, { token });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  return res.json.items;
}

test('the public sees only accepted and rejected observations, never author_sub', async () => {
  const f = await visibilityFixture();
  const items = (await listIds(f.axis)).filter((o) => f.created.includes(o.id));
  assert.deepEqual(items.map((o) => o.id), [f.accepted.id, f.rejected.id]);
  for (const o of await listIds(f.axis)) {
    assert.ok(['accepted', 'rejected'].includes(o.status));
    assert.equal(Object.hasOwn(o, 'author_sub'), false);
  }
});

test('a citizen sees reviewed ones and all of their own, author_sub only on their own', async () => {
  const f = await visibilityFixture();
  const items = (await listIds(f.axis, f.author.token)).filter((o) => f.created.includes(o.id));
  assert.deepEqual(items.map((o) => o.id), [f.own.id, f.accepted.id, f.rejected.id]);
  const byId = Object.fromEntries(items.map((o) => [o.id, o]));
  assert.equal(byId[f.own.id].author_sub, f.author.sub);
  assert.equal(byId[f.accepted.id].author_sub, f.author.sub);
  assert.equal(Object.hasOwn(byId[f.rejected.id], 'author_sub'), false);
});

test('another citizen sees only reviewed ones, without author_sub', async () => {
  const f = await visibilityFixture();
  const stranger = citizen('stranger');
  const items = (await listIds(f.axis, stranger.token)).filter((o) => f.created.includes(o.id));
  assert.deepEqual(items.map((o) => o.id), [f.accepted.id, f.rejected.id]);
  for (const o of items) assert.equal(Object.hasOwn(o, 'author_sub'), false);
});

test('staff see every observation with author_sub', async () => {
  const f = await visibilityFixture();
  for (const token of [DIRECTOR, ADMIN]) {
    const items = (await listIds(f.axis, token)).filter((o) => f.created.includes(o.id));
    assert.deepEqual(items.map((o) => o.id), f.created);
    assert.deepEqual(items.map((o) => o.author_sub),
      [f.author.sub, f.author.sub, f.other.sub, 'obs-director@example.org']);
  }
});

test('the list filters by kind and status', async () => {
  const f = await visibilityFixture();
  const contributions = await listIds(f.axis, DIRECTOR, '?kind=contribution');
  assert.ok(contributions.every((o) => o.kind === 'contribution'));
  assert.ok(contributions.some((o) => o.id === f.own.id));
  const received = (await listIds(f.axis, f.author.token, '?status=received')).map((o) => o.id);
  assert.deepEqual(received, [f.own.id]);
  assert.deepEqual(await listIds(f.axis, undefined, '?status=received'), []);
  const rejected = (await listIds(f.axis, undefined, '?kind=observation&status=rejected')).map((o) => o.id);
  assert.ok(rejected.includes(f.rejected.id));
});

test('a bad kind or status filter gets 400 invalid_parameter', async () => {
  const f = await importPlan();
  assertProblem(await api('GET', `/api/v1/axes/${f.axis}/observations?kind=queja`), 400, 'invalid_parameter');
  assertProblem(await api('GET', `/api/v1/axes/${f.axis}/observations?status=lost`), 400, 'invalid_parameter');
});

test('the list pages with a cursor in id order', async () => {
  const f = await visibilityFixture();
  const seen = [];
  let cursor = null;
  do {
    const q = `?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await api('GET', `/api/v1/axes/${f.axis}/observations${q}`, { token: ADMIN });
    assert.equal(res.status, 200);
    assert.ok(res.json.items.length <= 1);
    seen.push(...res.json.items.map((o) => o.id));
    cursor = res.json.next_cursor;
  } while (cursor);
  const all = (await listIds(f.axis, ADMIN, '?limit=200')).map((o) => o.id);
  assert.deepEqual(seen, all);
  assert.deepEqual([...all].sort((a, b) => a - b), all);
});

test('the observations of a draft plan are 404 (axis_not_found, observation_not_found) for the public and citizens, visible to staff', async () => {
  const doc = seedDocument();
  doc.title = `Borrador ${randomUUID()}`;
  doc.status = 'draft';
  doc.approved_by = null;
  const imported = await api('POST', '/api/v1/plans/import', { token: ADMIN, body: doc });
  assert.equal(imported.status, 201);
  const axis = imported.json.axes[0].id;
  assertProblem(await api('GET', `/api/v1/axes/${axis}/observations`), 404, 'axis_not_found');
  assertProblem(await api('GET', `/api/v1/axes/${axis}/observations`, { token: citizen().token }), 404, 'axis_not_found');
  const staff = await listIds(axis, DIRECTOR);
  assert.ok(staff.length > 0);
  const accepted = staff.find((o) => o.status === 'accepted');
  assert.ok(accepted, 'the seed copy has accepted observations');
  assertProblem(await api('GET', `/api/v1/observations/${accepted.id}`), 404, 'observation_not_found');
  assertProblem(await api('GET', `/api/v1/observations/${accepted.id}`, { token: citizen().token }), 404, 'observation_not_found');
  assert.equal((await api('GET', `/api/v1/observations/${accepted.id}`, { token: ADMIN })).status, 200);
});

test('the list of an axis that does not exist gets 404 axis_not_found', async () => {
  assertProblem(await api('GET', '/api/v1/axes/999999999/observations'), 404, 'axis_not_found');
});

test('GET of one observation follows the same visibility', async () => {
  const f = await visibilityFixture();
  const get = (id, token) => api('GET', `/api/v1/observations/${id}`, { token });
  assertProblem(await get(f.own.id), 404, 'observation_not_found');
  assertProblem(await get(f.own.id, f.other.token), 404, 'observation_not_found');
  assertProblem(await get(f.staffOne.id, f.author.token), 404, 'observation_not_found');
  const mine = await get(f.own.id, f.author.token);
  assert.equal(mine.status, 200);
  assert.equal(mine.json.author_sub, f.author.sub);
  const staff = await get(f.own.id, DIRECTOR);
  assert.equal(staff.json.author_sub, f.author.sub);
  const pub = await get(f.accepted.id);
  assert.equal(pub.status, 200);
  assert.equal(pub.json.status, 'accepted');
  assert.equal(Object.hasOwn(pub.json, 'author_sub'), false);
  const otherView = await get(f.accepted.id, f.other.token);
  assert.equal(Object.hasOwn(otherView.json, 'author_sub'), false);
  assertProblem(await get(999999999), 404, 'observation_not_found');
});

test('GET of an observation has an ETag and answers 304 to If-None-Match', async () => {
  const f = await visibilityFixture();
  const first = await api('GET', `/api/v1/observations/${f.accepted.id}`);
  const etag = first.headers.get('etag');
  assert.match(etag ?? '', /^"[0-9a-f]{32}"$/);
  const again = await api('GET', `/api/v1/observations/${f.accepted.id}`, { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
});

// ---------------------------------------------------------------- review

test('the review goes received → in_review → accepted, with an optional response', async () => {
  const plan = await importPlan();
  const o = await submitOk(plan.axis, citizen().token);
  const a = await review(o.id, 'in_review');
  assert.equal(a.status, 200, a.text);
  assert.equal(a.json.status, 'in_review');
  assert.equal(a.json.response, null);
  const b = await review(o.id, 'accepted', 'Se incluye en el plan.');
  assert.equal(b.status, 200, b.text);
  assert.equal(b.json.status, 'accepted');
  assert.equal(b.json.response, 'Se incluye en el plan.');
  assert.match(b.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/);
});

test('rejecting needs a non-blank response (422 response_required at /response) and stores it', async () => {
  const plan = await importPlan();
  const o = await submitOk(plan.axis, citizen().token);
  assert.equal((await review(o.id, 'in_review')).status, 200);
  let p = assertProblem(await review(o.id, 'rejected'), 422, 'response_required');
  assert.deepEqual(p.errors.map((e) => e.pointer), ['/response']);
  p = assertProblem(await review(o.id, 'rejected', ' \n\t '), 422, 'response_required');
  assert.deepEqual(p.errors.map((e) => e.pointer), ['/response']);
  p = assertProblem(await review(o.id, 'rejected', null), 422, 'response_required');
  assert.deepEqual(p.errors.map((e) => e.pointer), ['/response']);
  const ok = await review(o.id, 'rejected', 'Competencia de la EPMAPS; se remitió la solicitud.');
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.status, 'rejected');
  assert.equal(ok.json.response, 'Competencia de la EPMAPS; se remitió la solicitud.');
});

test('a response longer than can be stored gets 422 at /response, not 500', async () => {
  const plan = await importPlan();
  const o = await submitOk(plan.axis, citizen().token);
  assert.equal((await review(o.id, 'in_review')).status, 200);
  const p = assertProblem(await review(o.id, 'accepted', `${'x'.repeat(5000)}          `), 422, 'validation_failed');
  assert.deepEqual(p.errors.map((e) => e.pointer), ['/response']);
});

test('every transition outside the state machine gets 409 illegal_transition', async () => {
  const plan = await importPlan();
  const who = citizen();
  const received = await submitOk(plan.axis, who.token);
  for (const to of ['received', 'withdrawn']) {
    assertProblem(await review(received.id, to, 'respuesta'), 409, 'illegal_transition');
  }
  assert.equal((await review(received.id, 'in_review')).status, 200);
  for (const to of ['received', 'in_review', 'withdrawn']) {
    assertProblem(await review(received.id, to, 'respuesta'), 409, 'illegal_transition');
  }
  const accepted = await submitOk(plan.axis, who.token);
  await reviewTo(accepted.id, 'accepted');
  const rejected = await submitOk(plan.axis, who.token);
  await reviewTo(rejected.id, 'rejected');
  for (const [id, answered] of [[accepted.id, 'accepted'], [rejected.id, 'rejected']]) {
    for (const to of ['received', 'in_review', 'accepted', 'rejected', 'withdrawn']) {
      if (to === answered) continue; // a correction of the response (staff_work.test.mjs)
      assertProblem(await review(id, to, 'respuesta'), 409, 'illegal_transition');
    }
  }
  const withdrawn = await submitOk(plan.axis, who.token);
  const stray = await api('POST', `/api/v1/observations/${withdrawn.id}/withdraw`, { token: who.token, body: { reason: 'x' } });
  assertProblem(stray, 422, 'validation_failed'); // withdraw takes no body
  assert.equal((await api('POST', `/api/v1/observations/${withdrawn.id}/withdraw`, { token: who.token })).status, 200);
  for (const to of ['received', 'in_review', 'accepted', 'rejected', 'withdrawn']) {
    assertProblem(await review(withdrawn.id, to, 'respuesta'), 409, 'illegal_transition');
  }
  assert.equal((await api('GET', `/api/v1/observations/${accepted.id}`, { token: ADMIN })).json.status, 'accepted');
});

test('the state machine is the one table observation_transitions', async () => {
  const rows = sql("SELECT string_agg(from_status || '>' || to_status || ':' || actor, ',' ORDER BY from_status, to_status) FROM observation_transitions");
  assert.equal(rows, 'accepted>accepted:reviewer,in_review>accepted:reviewer,in_review>rejected:reviewer,received>accepted:reviewer,received>in_review:reviewer,received>rejected:reviewer,received>withdrawn:author,rejected>rejected:reviewer');
});

test('a review with an unknown status gets 422 at /status', async () => {
  const plan = await importPlan();
  const o = await submitOk(plan.axis, citizen().token);
  const p = assertProblem(await review(o.id, 'approved'), 422, 'validation_failed');
  assert.deepEqual(p.errors.map((e) => e.pointer), ['/status']);
});

test('only staff review: citizens get 403 role_forbidden, the public 401 token_required', async () => {
  const plan = await importPlan();
  const who = citizen();
  const o = await submitOk(plan.axis, who.token);
  assertProblem(await api('PATCH', `/api/v1/observations/${o.id}`, { token: who.token, body: { status: 'in_review' } }), 403, 'role_forbidden');
  assertProblem(await api('PATCH', `/api/v1/observations/${o.id}`, { body: { status: 'in_review' } }), 401, 'token_required');
  assert.equal((await api('PATCH', `/api/v1/observations/${o.id}`, { token: ADMIN, body: { status: 'in_review' } })).status, 200);
});

test('a review with a stale If-Match gets 412; the current ETag passes', async () => {
  const plan = await importPlan();
  const o = await submitOk(plan.axis, citizen().token);
  const current = await api('GET', `/api/v1/observations/${o.id}`, { token: DIRECTOR });
  const etag = current.headers.get('etag');
  assertProblem(await review(o.id, 'in_review', undefined, { 'if-match': '"0123456789abcdef0123456789abcdef"' }), 412, 'stale');
  const ok = await review(o.id, 'in_review', undefined, { 'if-match': etag });
  assert.equal(ok.status, 200, ok.text);
  assertProblem(await review(o.id, 'accepted', undefined, { 'if-match': etag }), 412, 'stale');
});

test('reviewing an observation that does not exist gets 404 observation_not_found', async () => {
  assertProblem(await review(999999999, 'in_review'), 404, 'observation_not_found');
});

test('staff review observations of a draft plan', async () => {
  const plan = await importPlan('draft');
  const o = await submitOk(plan.axis, ADMIN);
  assert.equal((await review(o.id, 'in_review')).status, 200);
});

test('a closed plan refuses review and withdrawal with 409 plan_closed', async () => {
  const plan = await importPlan();
  const who = citizen();
  const a = await submitOk(plan.axis, who.token);
  const b = await submitOk(plan.axis, who.token);
  assert.equal((await review(b.id, 'in_review')).status, 200);
  const closed = await api('POST', `/api/v1/plans/${plan.id}/close`, { token: ADMIN });
  assert.equal(closed.status, 200, closed.text.slice(0, 300));
  assertProblem(await review(a.id, 'in_review'), 409, 'plan_closed');
  assertProblem(await review(b.id, 'accepted'), 409, 'plan_closed');
  assertProblem(await api('POST', `/api/v1/observations/${a.id}/withdraw`, { token: who.token }), 409, 'plan_closed');
  // Still readable by its author.
  assert.equal((await api('GET', `/api/v1/observations/${a.id}`, { token: who.token })).json.status, 'received');
});

test('concurrent reviews of one observation make one step, the rest get 409 illegal_transition', async () => {
  const plan = await importPlan();
  const o = await submitOk(plan.axis, citizen().token);
  const answers = await Promise.all(Array.from({ length: 8 }, () => review(o.id, 'in_review')));
  assert.deepEqual(answers.map((r) => (r.status === 200 ? '200' : `${r.status} ${r.json?.reason}`)).sort(),
    ['200', ...Array(7).fill('409 illegal_transition')]);
});

// ---------------------------------------------------------------- withdrawal

test('the author withdraws a received observation once; again gets 409 illegal_transition', async () => {
  const plan = await importPlan();
  const who = citizen();
  const o = await submitOk(plan.axis, who.token);
  const res = await api('POST', `/api/v1/observations/${o.id}/withdraw`, { token: who.token });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.status, 'withdrawn');
  assert.equal(res.json.author_sub, who.sub);
  assertProblem(await api('POST', `/api/v1/observations/${o.id}/withdraw`, { token: who.token }), 409, 'illegal_transition');
});

test('an observation in review cannot be withdrawn (409 illegal_transition)', async () => {
  const plan = await importPlan();
  const who = citizen();
  const o = await submitOk(plan.axis, who.token);
  assert.equal((await review(o.id, 'in_review')).status, 200);
  assertProblem(await api('POST', `/api/v1/observations/${o.id}/withdraw`, { token: who.token }), 409, 'illegal_transition');
});

test('another citizen gets 404 observation_not_found for one they cannot see and 403 not_author for one they can', async () => {
  const f = await visibilityFixture();
  const stranger = citizen('stranger');
  assertProblem(await api('POST', `/api/v1/observations/${f.own.id}/withdraw`, { token: stranger.token }), 404, 'observation_not_found');
  assertProblem(await api('POST', `/api/v1/observations/${f.accepted.id}/withdraw`, { token: stranger.token }), 403, 'not_author');
  assert.equal((await api('GET', `/api/v1/observations/${f.own.id}`, { token: ADMIN })).json.status, 'received');
});

test('staff get 403 role_forbidden and the public 401 token_required on withdraw', async () => {
  const plan = await importPlan();
  const o = await submitOk(plan.axis, DIRECTOR);
  assertProblem(await api('POST', `/api/v1/observations/${o.id}/withdraw`, { token: DIRECTOR }), 403, 'role_forbidden');
  assertProblem(await api('POST', `/api/v1/observations/${o.id}/withdraw`, { token: ADMIN }), 403, 'role_forbidden');
  assertProblem(await api('POST', `/api/v1/observations/${o.id}/withdraw`), 401, 'token_required');
});

test('withdrawing an observation that does not exist gets 404 observation_not_found', async () => {
  const res = await api('POST', '/api/v1/observations/999999999/withdraw', { token: citizen().token });
  const p = assertProblem(res, 404, 'observation_not_found');
  assert.equal(p.detail, 'La observación no existe.');
});

// ---------------------------------------------------------------- my observations

test('GET /me/observations lists the citizen\'s own in every status, with author_sub', async () => {
  const f = await visibilityFixture();
  const gone = await submitOk(f.axis, f.author.token, { kind: 'observation', body: 'Me retracto' });
  assert.equal((await api('POST', `/api/v1/observations/${gone.id}/withdraw`, { token: f.author.token })).status, 200);
  const res = await api('GET', '/api/v1/me/observations', { token: f.author.token });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.items.map((o) => [o.id, o.status]),
    [[f.own.id, 'received'], [f.accepted.id, 'accepted'], [gone.id, 'withdrawn']]);
  assert.ok(res.json.items.every((o) => o.author_sub === f.author.sub));
  assert.equal(res.json.next_cursor, null);
});

test('GET /me/observations pages with a cursor', async () => {
  const plan = await importPlan();
  const who = citizen();
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push((await submitOk(plan.axis, who.token)).id);
  const p1 = await api('GET', '/api/v1/me/observations?limit=2', { token: who.token });
  assert.deepEqual(p1.json.items.map((o) => o.id), ids.slice(0, 2));
  assert.equal(typeof p1.json.next_cursor, 'string');
  const p2 = await api('GET', `/api/v1/me/observations?limit=2&cursor=${encodeURIComponent(p1.json.next_cursor)}`,
    { token: who.token });
  assert.deepEqual(p2.json.items.map((o) => o.id), ids.slice(2));
  assert.equal(p2.json.next_cursor, null);
});

test('GET /me/observations is for citizens: staff 403 role_forbidden, no token 401 token_required', async () => {
  assertProblem(await api('GET', '/api/v1/me/observations', { token: DIRECTOR }), 403, 'role_forbidden');
  assertProblem(await api('GET', '/api/v1/me/observations', { token: ADMIN }), 403, 'role_forbidden');
  assertProblem(await api('GET', '/api/v1/me/observations'), 401, 'token_required');
});
