// Issue 17, finding 2 (README, "Security"): an attacker cannot lock the owner
// out by failing logins for the owner's email. Failures count per (email, client
// address): the attacker here connects from 127.0.0.2, the owner from 127.0.0.1 (Linux
// routes all of 127/8 to the loopback interface).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { api, assertProblem, loginFrom } from './lib.mjs';

const uniq = () => randomBytes(5).toString('hex');

test('the issue: five wrong passwords from another address do not lock the owner out', async () => {
  const email = `owner.${uniq()}@example.org`;
  const reg = await api('POST', '/api/v1/auth/register', { body: { email, password: 'the owner password', name: 'Dueña' } });
  assert.equal(reg.status, 202, reg.text);
  for (let i = 0; i < 5; i++) {
    const r = await loginFrom('127.0.0.2', email, 'wrongwrong');
    assert.equal(r.status, 401, r.text);
  }
  // The attacker's address is throttled, even with the right password ...
  const blocked = await loginFrom('127.0.0.2', email, 'the owner password');
  assert.equal(blocked.status, 429, blocked.text);
  assert.equal(blocked.json.reason, 'too_many_logins');
  assert.ok(Number(blocked.headers['retry-after']) > 0);
  // ... the owner's is not.
  const owner = await loginFrom('127.0.0.1', email, 'the owner password');
  assert.equal(owner.status, 200, owner.text);
  assert.ok(owner.json.access_token);
});

test('guesses for one email stay throttled per address: a second attacker address gets its own five', async () => {
  const email = `victim.${uniq()}@example.org`;
  for (let i = 0; i < 5; i++) assert.equal((await loginFrom('127.0.0.3', email, 'guess guess')).status, 401);
  assertProblem(await api('POST', '/api/v1/auth/token', { body: { email, password: 'guess guess' } }), 401, 'bad_credentials');
  assert.equal((await loginFrom('127.0.0.3', email, 'guess guess')).status, 429);
});
