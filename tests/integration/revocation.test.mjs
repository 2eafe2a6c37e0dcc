// Issue 17, finding 1 (README, "Security"): a token stops working within 5 s
// once its account is disabled or deleted, its role or unit changes, or it is logged out;
// tokens of an external identity provider (no local account) keep working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { api, assertProblem, tokenFor, sql, newAccount } from './lib.mjs';

const admin = tokenFor('administradora', { sub: 'admin-revocation-tests' });
const uniq = () => randomBytes(5).toString('hex');
const PASSWORD = 'revocation test password';
const account = (role, unitId) => newAccount(admin, role, { unitId, password: PASSWORD, prefix: 'revoke' });

/** Polls GET /me with token until it answers 401 (at most 5 s); returns the seconds it took. */
async function revokedWithin5s(token) {
  const t0 = Date.now();
  for (;;) {
    const res = await api('GET', '/api/v1/me', { token });
    if (res.status === 401) {
      assertProblem(res, 401, 'invalid_token');
      return (Date.now() - t0) / 1000;
    }
    assert.equal(res.status, 200, res.text);
    assert.ok(Date.now() - t0 < 5000, 'the token still works 5 s after the change');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function patch(id, body) {
  const cur = await api('GET', `/api/v1/users/${id}`, { token: admin });
  const res = await api('PATCH', `/api/v1/users/${id}`, {
    token: admin, body, headers: { 'If-Match': cur.headers.get('etag') },
  });
  assert.equal(res.status, 200, res.text);
}

function unit(name) {
  return Number(sql(`SELECT unit_ensure('${name}')`));
}

test('the issue: a disabled director moved to another unit loses his earlier token', async () => {
  const u1 = unit('Unidad revocación 1'), u2 = unit('Unidad revocación 2');
  const a = await account('directores', u1);
  assert.equal((await api('GET', '/api/v1/me', { token: a.token })).status, 200);
  await patch(a.id, { unit_id: u2, disabled: true });
  await revokedWithin5s(a.token);
});

test('a disabled citizen\'s token stops working; enabled again, a new login works', async () => {
  const a = await account('ciudadanos');
  await patch(a.id, { disabled: true });
  await revokedWithin5s(a.token);
  await patch(a.id, { disabled: false });
  const tok = await api('POST', '/api/v1/auth/token', { body: { email: a.email, password: PASSWORD } });
  assert.equal(tok.status, 200, tok.text);
  // A fresh login works at once, before any periodic refresh.
  assert.equal((await api('GET', '/api/v1/me', { token: tok.json.access_token })).status, 200);
  await revokedWithin5s(a.token).then(() => {}); // the old one stays revoked
});

test('a change of role revokes; a change of name does not', async () => {
  const a = await account('ciudadanos');
  await patch(a.id, { name: 'Otro Nombre' });
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal((await api('GET', '/api/v1/me', { token: a.token })).status, 200);
  await patch(a.id, { role: 'administradora' });
  await revokedWithin5s(a.token);
});

test('a deleted account\'s token stops working', async () => {
  const a = await account('ciudadanos');
  sql(`DELETE FROM users WHERE id = ${a.id}`);
  await revokedWithin5s(a.token);
});

test('logout revokes the presented token at once, and only it', async () => {
  const a = await account('ciudadanos');
  const other = (await api('POST', '/api/v1/auth/token', { body: { email: a.email, password: PASSWORD } })).json.access_token;
  const res = await api('POST', '/api/v1/auth/logout', { token: a.token });
  assert.equal(res.status, 204, res.text);
  assertProblem(await api('GET', '/api/v1/me', { token: a.token }), 401, 'invalid_token');
  assertProblem(await api('POST', '/api/v1/auth/logout', { token: a.token }), 401, 'invalid_token');
  assert.equal((await api('GET', '/api/v1/me', { token: other })).status, 200);
  assertProblem(await api('POST', '/api/v1/auth/logout'), 401, 'token_required');
});

test('an external identity provider\'s token keeps working; logged out, it stops', async () => {
  const ext = tokenFor('directores', { sub: `idp|${uniq()}`, unit_id: 1 });
  assert.equal((await api('GET', '/api/v1/me', { token: ext })).status, 200);
  assert.equal((await api('POST', '/api/v1/auth/logout', { token: ext })).status, 204);
  assertProblem(await api('GET', '/api/v1/me', { token: ext }), 401, 'invalid_token');
});
