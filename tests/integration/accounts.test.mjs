// One's own account (GET/PATCH/DELETE /api/v1/me/account) and the account links without
// mail: on the suite's instance (no SMTP_URL) registered accounts work at once and a
// reset request mails nobody. The mails themselves: mail.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { api, assertProblem, importSeedCopy, sql, tokenFor } from './lib.mjs';

const uniq = () => randomBytes(5).toString('hex');
const admin = tokenFor('administradora', { sub: 'admin-account-tests' });
const login = (email, password) => api('POST', '/api/v1/auth/token', { body: { email, password } });

/** A new citizen's account and a token of it. */
async function citizen(password = 'la clave de la cuenta') {
  const email = `cuenta.${uniq()}@example.org`;
  const reg = await api('POST', '/api/v1/auth/register', { body: { email, password, name: 'Rosa Tipán' } });
  assert.equal(reg.status, 202, reg.text);
  assert.deepEqual(reg.json, { email, verification: 'none' });
  const tok = await login(email, password);
  assert.equal(tok.status, 200, tok.text);
  return { email, token: tok.json.access_token, id: Number(sql(`SELECT id FROM users WHERE email = '${email}'`)) };
}

/** Polls until the token is refused (revocation reaches every instance within 5 s). */
async function refusedSoon(token) {
  for (let i = 0; i < 80; i++) {
    const r = await api('GET', '/api/v1/me', { token });
    if (r.status === 401) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
  assert.fail('the token still works 8 s later');
}

test('GET /me/account: one\'s own account, with its ETag, never a hash', async () => {
  const c = await citizen();
  const res = await api('GET', '/api/v1/me/account', { token: c.token });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.id, c.id);
  assert.equal(res.json.email, c.email);
  assert.equal(res.json.role, 'ciudadanos');
  assert.match(res.headers.get('etag'), /^"[0-9a-f]{32}"$/);
  assert.doesNotMatch(res.text, /argon2|hash/);
  assert.equal((await api('GET', '/api/v1/me/account', { token: c.token, headers: { 'if-none-match': res.headers.get('etag') } })).status, 304);
});

test('a token that names no local account gets 404 account_not_found', async () => {
  assertProblem(await api('GET', '/api/v1/me/account', { token: tokenFor('ciudadanos', { sub: 'idp|12345' }) }), 404, 'account_not_found');
  assertProblem(await api('GET', '/api/v1/me/account', { token: tokenFor('ciudadanos', { sub: 'user:999999999' }) }), 404, 'account_not_found');
  assertProblem(await api('DELETE', '/api/v1/me/account', { token: tokenFor('ciudadanos', { sub: 'idp|12345' }) }), 404, 'account_not_found');
});

test('PATCH /me/account changes the name; a new password needs the right current one', async () => {
  const c = await citizen('la clave de antes 1');
  const named = await api('PATCH', '/api/v1/me/account', { token: c.token, body: { name: 'Rosa María Tipán' } });
  assert.equal(named.status, 200, named.text);
  assert.equal(named.json.name, 'Rosa María Tipán');
  const missing = await api('PATCH', '/api/v1/me/account', { token: c.token, body: { password: 'la clave de después' } });
  assertProblem(missing, 422, 'validation_failed');
  assert.deepEqual(missing.json.errors.map((e) => e.pointer), ['/current_password']);
  const wrong = await api('PATCH', '/api/v1/me/account', { token: c.token, body: { password: 'la clave de después', current_password: 'no es esta clave' } });
  assertProblem(wrong, 422, 'validation_failed');
  assert.deepEqual(wrong.json.errors.map((e) => e.pointer), ['/current_password']);
  const weak = await api('PATCH', '/api/v1/me/account', { token: c.token, body: { password: 'aaaaaaaaaaaa', current_password: 'la clave de antes 1' } });
  assert.deepEqual(weak.json.errors.map((e) => e.pointer), ['/password']);
  const other = await api('PATCH', '/api/v1/me/account', { token: c.token, body: { email: 'x@example.org', role: 'administradora' } });
  assert.deepEqual(other.json.errors.map((e) => e.pointer).sort(), ['/email', '/role']);
  assertProblem(await api('PATCH', '/api/v1/me/account', { token: c.token, body: {} }), 422, 'validation_failed');
  assertProblem(await api('PATCH', '/api/v1/me/account', { token: c.token, body: { name: 'X' }, headers: { 'if-match': '"0123456789abcdef0123456789abcdef"' } }), 412, 'stale');

  const ok = await api('PATCH', '/api/v1/me/account', { token: c.token, body: { password: 'la clave de después', current_password: 'la clave de antes 1' } });
  assert.equal(ok.status, 200, ok.text);
  assertProblem(await login(c.email, 'la clave de antes 1'), 401, 'bad_credentials');
  assert.equal((await login(c.email, 'la clave de después')).status, 200);
  // The password change ends the earlier tokens.
  await refusedSoon(c.token);
  assert.doesNotMatch(sql(`SELECT after::text FROM audit_log WHERE entity = 'user' AND entity_id = ${c.id} ORDER BY id DESC LIMIT 1`), /argon2|la clave/);
});

test('DELETE /me/account: 204, the tokens stop working, the observations stay without their author', async () => {
  const c = await citizen();
  const planId = await importSeedCopy('Plan de cuentas borradas', (d) => ({ ...d, status: 'approved' }), admin);
  const axis = (await api('GET', `/api/v1/plans/${planId}`, { token: admin })).json.axes[0].id;
  const obs = await api('POST', `/api/v1/axes/${axis}/observations`, { token: c.token, body: { kind: 'observation', body: 'Arreglar la vereda de la calle Ilaló.' } });
  assert.equal(obs.status, 201, obs.text);
  assert.equal((await api('DELETE', '/api/v1/me/account', { token: c.token })).status, 204);
  await refusedSoon(c.token);
  assertProblem(await login(c.email, 'la clave de la cuenta'), 401, 'bad_credentials');
  const seen = await api('GET', `/api/v1/observations/${obs.json.id}`, { token: admin });
  assert.equal(seen.status, 200, seen.text);
  assert.equal(seen.json.body, 'Arreglar la vereda de la calle Ilaló.');
  assert.equal(seen.json.author_sub, null);
  assert.equal(sql(`SELECT count(*) FROM users WHERE id = ${c.id}`), '0');
  // The email is free again.
  assert.equal((await api('POST', '/api/v1/auth/register', { body: { email: c.email, password: 'una cuenta nueva otra vez', name: 'R' } })).status, 202);
  assert.equal((await login(c.email, 'una cuenta nueva otra vez')).status, 200);
});

test('without SMTP_URL a reset request answers 202 {} and queues no mail', async () => {
  const c = await citizen();
  const res = await api('POST', '/api/v1/auth/password-reset', { body: { email: c.email } });
  assert.equal(res.status, 202);
  assert.deepEqual(res.json, {});
  assert.equal(sql(`SELECT count(*) FROM outbox WHERE user_id = ${c.id}`), '0');
  assertProblem(await api('POST', '/api/v1/auth/password-reset', { body: { email: 'no es un correo' } }), 422, 'validation_failed');
  assertProblem(await api('POST', '/api/v1/auth/password-reset/confirm', { body: { token: 'f'.repeat(64), password: 'una clave bastante larga' } }), 422, 'invalid_account_token');
});
