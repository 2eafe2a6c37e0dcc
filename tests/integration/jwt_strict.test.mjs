// Issue 17, finding 8 (README, "Security"): a token whose header or claims
// repeat a member name, or whose header carries "crit", → 401 invalid_token. The texts
// are built by hand (JSON.stringify cannot repeat a name) and signed with node:crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { api, assertProblem, makeToken, ISSUER, AUDIENCE } from './lib.mjs';

const b64 = (s) => Buffer.from(s).toString('base64url');

function signRaw(headerText, payloadText) {
  const input = `${b64(headerText)}.${b64(payloadText)}`;
  const sig = createHmac('sha256', process.env.JWT_SECRET).update(input).digest('base64url');
  return `${input}.${sig}`;
}

function payload(extra = '') {
  const t = Math.floor(Date.now() / 1000);
  return `{"sub":"jwt-strict","role":"ciudadanos","iss":"${ISSUER}","aud":"${AUDIENCE}","iat":${t},"exp":${t + 600}${extra}}`;
}

const HEADER = '{"alg":"HS256","typ":"JWT"}';

test('control: the hand-built token is accepted', async () => {
  assert.equal((await api('GET', '/api/v1/me', { token: signRaw(HEADER, payload()) })).status, 200);
});

test('the issue: "role" twice (ciudadanos, then administradora) → 401, not admin', async () => {
  const tok = signRaw(HEADER, payload(',"role":"administradora"'));
  assertProblem(await api('GET', '/api/v1/users', { token: tok }), 401, 'invalid_token');
  assertProblem(await api('GET', '/api/v1/me', { token: tok }), 401, 'invalid_token');
});

test('a repeated header member → 401', async () => {
  const tok = signRaw('{"alg":"HS256","typ":"JWT","typ":"JWT"}', payload());
  assertProblem(await api('GET', '/api/v1/me', { token: tok }), 401, 'invalid_token');
});

test('crit in the header → 401', async () => {
  const t = Math.floor(Date.now() / 1000);
  const tok = makeToken({ sub: 'jwt-strict', role: 'ciudadanos', iss: ISSUER, aud: AUDIENCE, iat: t, exp: t + 600 },
    { header: { crit: ['exp'] } });
  assertProblem(await api('GET', '/api/v1/me', { token: tok }), 401, 'invalid_token');
});
