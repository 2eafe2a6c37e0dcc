// Issue 17, finding 11 (README, "Security"): new passwords of at least 10
// characters, not blanks only, not one character repeated, not on the bundled list of
// common passwords (service/auth/common_passwords.inc) → 422 at /password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { api, assertProblem, tokenFor } from './lib.mjs';

const uniq = () => randomBytes(5).toString('hex');
const admin = tokenFor('administradora', { sub: 'admin-password-tests' });

function register(password) {
  return api('POST', '/api/v1/auth/register', {
    body: { email: `pw.${uniq()}@example.org`, password, name: 'Clave Débil' },
  });
}

function assertPasswordRefused(res) {
  assertProblem(res, 422, 'validation_failed');
  assert.deepEqual(res.json.errors.map((e) => e.pointer), ['/password']);
}

for (const [what, pw] of [
  ['ten spaces', ' '.repeat(10)],
  ['blanks of several kinds', ' \t \u00a0\u3000     '],
  ['aaaaaaaaaa', 'aaaaaaaaaa'],
  ['one accented letter repeated', 'ñ'.repeat(12)],
  ['a listed password', '1234567890'],
  ['a listed password in another case', 'QwertyUiop'],
  ['a listed Spanish password', 'contraseña123'],
  ['nine characters', 'abcdefgh9'],
]) {
  test(`registration refuses ${what} as a password: 422 at /password`, async () => {
    assertPasswordRefused(await register(pw));
  });
}

test('the administradora\'s new accounts and password changes follow the same rules', async () => {
  const res = await api('POST', '/api/v1/users', {
    token: admin,
    body: { email: `pw.${uniq()}@example.org`, password: 'password123', name: 'X', role: 'ciudadanos' },
  });
  assertPasswordRefused(res);
});

test('a long uncommon password with spaces inside is accepted', async () => {
  const res = await register('  una frase larga  ');
  assert.equal(res.status, 202, res.text);
});
