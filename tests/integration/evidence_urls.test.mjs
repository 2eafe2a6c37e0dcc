// Issue 17, finding 9 (README, "Security"): evidence URLs are http/https only,
// without user-info, with a sane host that is not an address literal in a loopback,
// private or link-local range → else 422 at /evidence_url.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, assertProblem, tokenFor, seedDocument, sql } from './lib.mjs';

const admin = tokenFor('administradora', { sub: 'evidence-admin@example.org' });
let activity;

before(async () => {
  const doc = { ...seedDocument(), title: `Plan evidencias ${process.pid}` };
  const res = await api('POST', '/api/v1/plans/import', { token: admin, body: doc });
  assert.equal(res.status, 201, res.text);
  activity = Number(sql(`SELECT t.id FROM activities t JOIN axes a ON a.id = t.axis_id
                         WHERE a.plan_id = ${res.json.id} ORDER BY t.id LIMIT 1`));
});

function report(url) {
  return api('POST', `/api/v1/activities/${activity}/updates`, {
    token: admin, body: { progress: 10, note: 'Evidencia', evidence_url: url },
  });
}

for (const url of [
  'https://trusted.gob.ec@evil.example/x',
  'https://user:pass@example.org/',
  'http://169.254.169.254/latest/meta-data/',
  'http://javascript:alert(1)',
  'http://127.0.0.1/admin',
  'http://127.1/',
  'http://2130706433/',
  'http://0x7f.0.0.1/',
  'http://10.0.0.5/',
  'http://172.16.3.4/',
  'http://192.168.1.1/',
  'http://[::1]/',
  'http://[fe80::1]/',
  'http://[fd00::1]/',
  'http://[::ffff:127.0.0.1]/',
  'http://localhost:8080/',
  'http://a..b/',
  'http://example.org:99999/',
  'http://exa_mple.org/',
  'https://añasco.example/informe',
]) {
  test(`evidence_url ${url} → 422 at /evidence_url`, async () => {
    const p = assertProblem(await report(url), 422, 'validation_failed');
    assert.deepEqual(p.errors.map((e) => e.pointer), ['/evidence_url']);
  });
}

for (const url of [
  'https://www.quito.gob.ec/informe.pdf?x=1#p2',
  'http://93.184.216.34/doc',
  'https://[2001:db8::1]:8443/x',
  'https://municipio.example:443/a@b',
  'https://xn--aasco-rta.example/informe',
]) {
  test(`evidence_url ${url} is accepted`, async () => {
    const res = await report(url);
    assert.equal(res.status, 201, res.text);
  });
}
