// Tokens and local accounts. Every forged or stale token is made here, independently of
// the service's code (node:crypto), and must get 401; RS256 and ES256 are checked against
// second service instances started from this file with a public key generated here.
// Accounts: registration, login (throttle, equal answers, similar time), the
// administradora's user management, the CLI, and that no hash ever leaves the service.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, assertProblem, makeToken, tokenFor, sql, seedDocument, ISSUER, AUDIENCE, freePort } from './lib.mjs';

const BINARY = process.env.BINARY;
const admin = tokenFor('administradora', { sub: 'admin-auth-tests' });
const now = () => Math.floor(Date.now() / 1000);
const uniq = () => randomBytes(5).toString('hex');

function claims(extra = {}) {
  const t = now();
  return { sub: 'auth-test', role: 'administradora', iss: ISSUER, aud: AUDIENCE, iat: t, exp: t + 600, ...extra };
}

function b64url(s) {
  return Buffer.from(s).toString('base64url');
}

/** A JWT signed with an asymmetric key by node:crypto (RS256, or ES256 in JOSE's r||s form). */
function signJwt(payload, alg, privateKey, header = {}) {
  const input = `${b64url(JSON.stringify({ alg, typ: 'JWT', ...header }))}.${b64url(JSON.stringify(payload))}`;
  const key = alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

function assertInvalidToken(res) {
  const p = assertProblem(res, 401, 'invalid_token');
  assert.equal(res.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
  assert.equal(p.code, 'invalid_token');
}

/**
 * Starts `BINARY serve` with a public key instead of the shared secret, on a free port.
 * Returns {base, stop}; stop() sends SIGTERM and resolves to {code, log}.
 */
async function startInstance(publicKeyFile) {
  const port = await freePort();
  const env = { ...process.env, HOST: '127.0.0.1', PORT: String(port), JWT_PUBLIC_KEY_FILE: publicKeyFile, DB_POOL_SIZE: '2' };
  delete env.JWT_SECRET;
  delete env.JWT_PRIVATE_KEY_FILE;
  const child = spawn(BINARY, ['serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${base}/health`)).status === 200) break;
    } catch { /* not listening yet */ }
    if (child.exitCode !== null) throw new Error(`instance exited at start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    async stop() {
      child.kill('SIGTERM');
      const { code } = await exited;
      return { code, log };
    },
  };
}

async function callAt(base, method, path, token) {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const res = await fetch(base + path, { method, headers });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, json, text };
}

// ------------------------------------------------------------------ HS256 tokens

describe('HS256 tokens (the shared instance)', () => {
  test('a valid token gets its verified claims from GET /me', async () => {
    const res = await api('GET', '/api/v1/me', { token: makeToken(claims({ sub: 'who-am-i', role: 'ciudadanos' })) });
    assert.equal(res.status, 200);
    assert.equal(res.json.sub, 'who-am-i');
    assert.equal(res.json.role, 'ciudadanos');
    assert.equal(res.json.iss, ISSUER);
    assert.equal(res.json.aud, AUDIENCE);
  });

  test('alg none is refused with 401 invalid_token', async () => {
    assertInvalidToken(await api('GET', '/api/v1/me', { token: makeToken(claims(), { alg: 'none' }) }));
  });

  test('alg none cannot write: POST /plans gives 401, not 201', async () => {
    const res = await api('POST', '/api/v1/plans', {
      token: makeToken(claims(), { alg: 'none' }),
      body: { title: 'none', entity: 'x', year: 2030 },
    });
    assertInvalidToken(res);
  });

  test('HS512 with the right secret is refused: the algorithm is pinned to HS256', async () => {
    assertInvalidToken(await api('GET', '/api/v1/me', { token: makeToken(claims(), { alg: 'HS512' }) }));
  });

  test('"hs256" is not "HS256": algorithm names are case-sensitive (libjwt would accept it)', async () => {
    const token = makeToken(claims(), { header: { alg: 'hs256' } });
    assertInvalidToken(await api('GET', '/api/v1/me', { token }));
  });

  test('a token signed with another secret is refused', async () => {
    const token = makeToken(claims(), { secret: 'another-secret-that-is-long-enough-0123456789' });
    assertInvalidToken(await api('GET', '/api/v1/me', { token }));
  });

  test('a payload swapped under a valid signature is refused', async () => {
    const citizen = makeToken(claims({ role: 'ciudadanos' }));
    const adminPayload = makeToken(claims({ role: 'administradora' })).split('.')[1];
    const [h, , s] = citizen.split('.');
    assertInvalidToken(await api('GET', '/api/v1/me', { token: `${h}.${adminPayload}.${s}` }));
  });

  test('a token expired two minutes ago is refused', async () => {
    const t = now();
    assertInvalidToken(await api('GET', '/api/v1/me', { token: makeToken(claims({ iat: t - 600, exp: t - 120 })) }));
  });

  test('a token expired 10 seconds ago is refused (the default leeway is 5 s)', async () => {
    const t = now();
    assertInvalidToken(await api('GET', '/api/v1/me', { token: makeToken(claims({ iat: t - 600, exp: t - 10 })) }));
  });

  test('a token expired a second ago is still accepted (clock-skew leeway)', async () => {
    const t = now();
    const res = await api('GET', '/api/v1/me', { token: makeToken(claims({ iat: t - 600, exp: t - 1 })) });
    assert.equal(res.status, 200);
  });

  test('a token valid only in 30 seconds (nbf) is refused', async () => {
    assertInvalidToken(await api('GET', '/api/v1/me', { token: makeToken(claims({ nbf: now() + 30 })) }));
  });

  test('a token without exp is refused', async () => {
    const c = claims();
    delete c.exp;
    assertInvalidToken(await api('GET', '/api/v1/me', { token: makeToken(c) }));
  });

  test('a token not valid for another 5 minutes (nbf) is refused', async () => {
    assertInvalidToken(await api('GET', '/api/v1/me', { token: makeToken(claims({ nbf: now() + 300 })) }));
  });

  test('a token of another issuer is refused', async () => {
    assertInvalidToken(await api('GET', '/api/v1/me', { token: makeToken(claims({ iss: 'https://evil.example' })) }));
  });

  test('a token for another audience is refused', async () => {
    assertInvalidToken(await api('GET', '/api/v1/me', { token: makeToken(claims({ aud: 'another-api' })) }));
  });

  test('a token without a role is refused with 401', async () => {
    const c = claims();
    delete c.role;
    assertInvalidToken(await api('GET', '/api/v1/me', { token: makeToken(c) }));
  });

  test('a token without sub is refused with 401', async () => {
    const c = claims();
    delete c.sub;
    assertInvalidToken(await api('GET', '/api/v1/me', { token: makeToken(c) }));
  });

  test('a director token without unit_id is refused with 401', async () => {
    assertInvalidToken(await api('GET', '/api/v1/me', { token: makeToken(claims({ role: 'directores' })) }));
  });

  test('an unknown role gets 403 role_forbidden where a role is needed', async () => {
    const token = makeToken(claims({ role: 'superadmin' }));
    const res = await api('POST', '/api/v1/plans', { token, body: { title: 'x', entity: 'y', year: 2030 } });
    const p = assertProblem(res, 403, 'role_forbidden');
    assert.equal(p.code, 'forbidden');
    assertProblem(await api('GET', '/api/v1/me', { token }), 403, 'role_forbidden');
  });

  test('an unknown role gets 403 role_forbidden even on what the public may read', async () => {
    const res = await api('GET', '/api/v1/plans', { token: makeToken(claims({ role: 'superadmin' })) });
    const p = assertProblem(res, 403, 'role_forbidden');
    assert.equal(p.code, 'forbidden');
  });

  test('no token where a role is needed gives 401 token_required with a bare Bearer challenge', async () => {
    const res = await api('GET', '/api/v1/me');
    const p = assertProblem(res, 401, 'token_required');
    assert.equal(res.headers.get('www-authenticate'), 'Bearer');
    assert.equal(p.code, 'unauthorized');
  });

  test('a write without a token gets 401 token_required before its body is looked at', async () => {
    const cases = [
      { raw: '{"title":', headers: { 'content-type': 'application/json' } },
      { raw: JSON.stringify({ title: 'x', entity: 'y', year: 2030 }) }, // fetch sends text/plain
      { raw: 'x'.repeat(10), headers: { 'content-type': 'application/xml' } },
    ];
    for (const c of cases) {
      const res = await api('POST', '/api/v1/plans', c);
      assertProblem(res, 401, 'token_required');
      assert.equal(res.headers.get('www-authenticate'), 'Bearer', `body ${c.raw}`);
    }
    const res = await api('POST', '/api/v1/axes/1/observations', { raw: '[', headers: { 'content-type': 'application/json' } });
    assertProblem(res, 401, 'token_required');
  });

  test('an unknown role gets 403 role_forbidden before its body is looked at', async () => {
    const token = makeToken(claims({ role: 'superadmin' }));
    const res = await api('POST', '/api/v1/plans', { token, raw: '{', headers: { 'content-type': 'application/json' } });
    const p = assertProblem(res, 403, 'role_forbidden');
    assert.equal(p.code, 'forbidden');
  });

  test('logging in still parses its body without a token: malformed JSON is 400 invalid_json', async () => {
    const res = await api('POST', '/api/v1/auth/token', { raw: '{', headers: { 'content-type': 'application/json' } });
    const p = assertProblem(res, 400, 'invalid_json');
    assert.equal(p.code, 'invalid_json');
  });

  test('an Authorization header of another scheme is an invalid token, even on public reads', async () => {
    const res = await api('GET', '/api/v1/plans', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    assertInvalidToken(res);
  });

  test('a garbage token is refused on a public read too', async () => {
    assertInvalidToken(await api('GET', '/api/v1/plans', { token: 'a.b.c' }));
  });
});

// ------------------------------------------------------------------ RS256 and ES256

describe('RS256 and ES256 instances configured with a public key', () => {
  let dir;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsaPub = rsa.publicKey.export({ type: 'spki', format: 'pem' });
  const ecPub = ec.publicKey.export({ type: 'spki', format: 'pem' });
  let rs;
  let es;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rendicion-keys-'));
    writeFileSync(join(dir, 'rsa.pub'), rsaPub);
    writeFileSync(join(dir, 'ec.pub'), ecPub);
    rs = await startInstance(join(dir, 'rsa.pub'));
    es = await startInstance(join(dir, 'ec.pub'));
  });

  after(async () => {
    for (const inst of [rs, es]) {
      if (!inst) continue;
      const { code, log } = await inst.stop();
      assert.equal(code, 0, `instance exit status (log: ${log.slice(-2000)})`);
      assert.doesNotMatch(log, /AddressSanitizer|LeakSanitizer|runtime error:/);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('RS256: a valid token is accepted', async () => {
    const res = await callAt(rs.base, 'GET', '/api/v1/me', signJwt(claims({ sub: 'idp|rs' }), 'RS256', rsa.privateKey));
    assert.equal(res.status, 200);
    assert.equal(res.json.sub, 'idp|rs');
    assert.equal(res.json.role, 'administradora');
  });

  test('RS256: the same valid token is accepted again (verification cache)', async () => {
    const token = signJwt(claims({ sub: 'idp|cached' }), 'RS256', rsa.privateKey);
    for (let i = 0; i < 5; i++) {
      const res = await callAt(rs.base, 'GET', '/api/v1/me', token);
      assert.equal(res.status, 200);
      assert.equal(res.json.sub, 'idp|cached');
    }
  });

  test('RS256: an HS256 token signed with the RSA public key is refused', async () => {
    const token = makeToken(claims(), { secret: rsaPub });
    assertInvalidToken(await callAt(rs.base, 'GET', '/api/v1/me', token));
  });

  test('RS256: alg none is refused', async () => {
    assertInvalidToken(await callAt(rs.base, 'GET', '/api/v1/me', makeToken(claims(), { alg: 'none' })));
  });

  test('RS256: a token signed by another RSA key is refused', async () => {
    assertInvalidToken(await callAt(rs.base, 'GET', '/api/v1/me', signJwt(claims(), 'RS256', otherRsa.privateKey)));
  });

  test('RS256: an ES256 token is refused', async () => {
    assertInvalidToken(await callAt(rs.base, 'GET', '/api/v1/me', signJwt(claims(), 'ES256', ec.privateKey)));
  });

  test('RS256: an expired token is refused', async () => {
    const t = now();
    const token = signJwt(claims({ iat: t - 900, exp: t - 300 }), 'RS256', rsa.privateKey);
    assertInvalidToken(await callAt(rs.base, 'GET', '/api/v1/me', token));
  });

  test('RS256: a payload swapped under a valid signature is refused', async () => {
    const good = signJwt(claims({ role: 'ciudadanos' }), 'RS256', rsa.privateKey).split('.');
    const other = b64url(JSON.stringify(claims({ role: 'administradora' })));
    assertInvalidToken(await callAt(rs.base, 'GET', '/api/v1/me', `${good[0]}.${other}.${good[2]}`));
  });

  test('RS256: a director token without unit_id is refused', async () => {
    assertInvalidToken(await callAt(rs.base, 'GET', '/api/v1/me', signJwt(claims({ role: 'directores' }), 'RS256', rsa.privateKey)));
  });

  test('ES256: a valid token is accepted', async () => {
    const res = await callAt(es.base, 'GET', '/api/v1/me', signJwt(claims({ sub: 'idp|es', role: 'directores', unit_id: 3 }), 'ES256', ec.privateKey));
    assert.equal(res.status, 200);
    assert.equal(res.json.sub, 'idp|es');
    assert.equal(res.json.unit_id, 3);
  });

  test('ES256: an HS256 token signed with the EC public key is refused', async () => {
    assertInvalidToken(await callAt(es.base, 'GET', '/api/v1/me', makeToken(claims(), { secret: ecPub })));
  });

  test('ES256: an RS256 token is refused', async () => {
    assertInvalidToken(await callAt(es.base, 'GET', '/api/v1/me', signJwt(claims(), 'RS256', rsa.privateKey)));
  });

  test('ES256: a token of another issuer is refused', async () => {
    assertInvalidToken(await callAt(es.base, 'GET', '/api/v1/me', signJwt(claims({ iss: 'other' }), 'ES256', ec.privateKey)));
  });
});

test('a JWT_SECRET under 32 bytes stops the program with a line naming it', () => {
  const env = { ...process.env, JWT_SECRET: 'short-secret-31-bytes-long-xxxxx'.slice(0, 31) };
  const r = spawnSync(BINARY, ['token', '--sub', 's', '--role', 'ciudadanos'], { env, encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /JWT_SECRET/);
  assert.equal(r.stdout, '');
});

// ------------------------------------------------------------------ accounts

const USER_KEYS = ['id', 'email', 'name', 'role', 'unit_id', 'disabled', 'created_at', 'updated_at'];

function assertNoSecret(obj) {
  const text = JSON.stringify(obj);
  assert.doesNotMatch(text, /argon2|password|hash/i, `no password material in ${text}`);
}

function assertUser(u, expected) {
  assert.deepEqual(Object.keys(u), USER_KEYS);
  for (const [k, v] of Object.entries(expected)) assert.equal(u[k], v, k);
  assert.match(u.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assertNoSecret(u);
}

/** Registers (202, the same body whatever the email), then reads the account as the
 * administradora sees it: {status: 202, json: the account, headers: its ETag, accepted}. */
async function register(email, password = 'correct horse battery', name = 'Ciudadana de Prueba') {
  const accepted = await api('POST', '/api/v1/auth/register', { body: { email, password, name } });
  if (accepted.status !== 202) return accepted;
  const id = sql(`SELECT id FROM users WHERE email = lower(btrim('${email.replaceAll("'", "''")}'))`);
  const got = await api('GET', `/api/v1/users/${id}`, { token: admin });
  assert.equal(got.status, 200, got.text);
  return { ...got, status: accepted.status, accepted };
}

async function login(email, password) {
  return api('POST', '/api/v1/auth/token', { body: { email, password } });
}

function payloadOf(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

async function someUnitId() {
  return Number(sql("SELECT unit_ensure('Unidad de pruebas de cuentas')"));
}

test('register creates a citizen: 202 with {email, verification}, no Location, email normalised', async () => {
  const local = `Maria.${uniq()}`;
  const res = await register(`  ${local}@Example.ORG `, 'correct horse battery', 'María Quishpe');
  assert.equal(res.status, 202, res.text);
  // No SMTP_URL in this suite: no verification, the account works at once.
  assert.deepEqual(res.accepted.json, { email: `${local.toLowerCase()}@example.org`, verification: 'none' });
  assert.equal(res.accepted.headers.get('location'), null);
  assertUser(res.json, {
    email: `${local.toLowerCase()}@example.org`, name: 'María Quishpe', role: 'ciudadanos', unit_id: null, disabled: false,
  });
  const stored = sql(`SELECT password_hash FROM users WHERE id = ${res.json.id}`);
  assert.match(stored, /^\$argon2id\$/);
});

test('register with an email already taken (other case, spaces) answers as for a new one and makes no second account', async () => {
  const email = `taken.${uniq()}@example.org`;
  const first = await register(email, 'the first password');
  assert.equal(first.status, 202);
  const again = await api('POST', '/api/v1/auth/register', {
    body: { email: ` ${email.toUpperCase()}`, password: 'another password', name: 'Otra' },
  });
  assert.equal(again.status, 202, again.text);
  assert.deepEqual(again.json, first.accepted.json);
  assert.equal(sql(`SELECT count(*) FROM users WHERE email = '${email}'`), '1');
  // The first password still works, the second does not.
  assert.equal((await login(email, 'the first password')).status, 200);
  assertProblem(await login(email, 'another password'), 401, 'bad_credentials');
});

test('register refuses a password under 10 characters with 422 at /password', async () => {
  const res = await register(`short.${uniq()}@example.org`, '123456789');
  assertProblem(res, 422, 'validation_failed');
  assert.deepEqual(res.json.errors.map((e) => e.pointer), ['/password']);
});

test('register accepts a password of exactly 10 characters (counted as characters, not bytes)', async () => {
  const res = await register(`ten.${uniq()}@example.org`, 'ñandú-ñuñ1');
  assert.equal(res.status, 202, res.text);
});

test('register validates email, name and unknown members with JSON pointers', async () => {
  const res = await api('POST', '/api/v1/auth/register', {
    body: { email: 'not-an-email', password: 'long enough password', name: '', role: 'administradora' },
  });
  assertProblem(res, 422, 'validation_failed');
  assert.deepEqual(res.json.errors.map((e) => e.pointer).sort(), ['/email', '/name', '/role']);
});

test('register without a body gives 400 body_required', async () => {
  const res = await api('POST', '/api/v1/auth/register');
  assertProblem(res, 400, 'body_required');
});

test('a citizen registers, logs in and uses the token end to end', async () => {
  const email = `e2e.${uniq()}@example.org`;
  const reg = await register(email, 'una clave larga 2024', 'Vecina del Valle');
  assert.equal(reg.status, 202);

  const tok = await login(email.toUpperCase(), 'una clave larga 2024');
  assert.equal(tok.status, 200, tok.text);
  assert.deepEqual(Object.keys(tok.json).sort(), ['access_token', 'expires_in', 'token_type']);
  assert.equal(tok.json.token_type, 'Bearer');
  assert.equal(tok.json.expires_in, 3600);
  const token = tok.json.access_token;

  const me = await api('GET', '/api/v1/me', { token });
  assert.equal(me.status, 200);
  assert.equal(me.json.sub, `user:${reg.json.id}`);
  assert.equal(me.json.role, 'ciudadanos');
  assert.equal(me.json.exp - me.json.iat, 3600);

  // The citizen submits an observation on an approved plan of this test's own.
  const doc = { ...seedDocument(), title: `Plan de cuentas ${uniq()}`, status: 'approved' };
  const imp = await api('POST', '/api/v1/plans/import', { token: admin, body: doc });
  assert.equal(imp.status, 201, imp.text);
  const axisId = imp.json.axes[0].id;
  const obs = await api('POST', `/api/v1/axes/${axisId}/observations`, {
    token, body: { kind: 'observation', body: 'Mejorar el alumbrado del parque central.' },
  });
  assert.equal(obs.status, 201, obs.text);
  assert.equal(obs.json.source, 'online');
  const mine = await api('GET', '/api/v1/me/observations', { token });
  assert.equal(mine.status, 200);
  assert.deepEqual(mine.json.items.map((o) => o.id), [obs.json.id]);
});

test('issued tokens carry sub user:<id>, role, iss, aud, exp and iat', async () => {
  const email = `claims.${uniq()}@example.org`;
  const reg = await register(email);
  const tok = await login(email, 'correct horse battery');
  const p = payloadOf(tok.json.access_token);
  assert.equal(p.sub, `user:${reg.json.id}`);
  assert.equal(p.role, 'ciudadanos');
  assert.equal(p.iss, ISSUER);
  assert.equal(p.aud, AUDIENCE);
  assert.equal(p.unit_id, undefined);
  assert.ok(Math.abs(p.iat - now()) < 30);
  assert.equal(p.exp - p.iat, 3600);
});

test('a wrong password and an unknown email get the same 401 bad_credentials', async () => {
  const email = `same.${uniq()}@example.org`;
  await register(email);
  const wrong = await login(email, 'not the password at all');
  const unknown = await login(`nobody.${uniq()}@example.org`, 'not the password at all');
  assertProblem(wrong, 401, 'bad_credentials');
  assertProblem(unknown, 401, 'bad_credentials');
  assert.deepEqual(wrong.json, unknown.json);
  assert.equal(wrong.headers.get('www-authenticate'), unknown.headers.get('www-authenticate'));
});

test('a wrong password and an unknown email take similar time (one Argon2id check each)', async () => {
  const email = `timing.${uniq()}@example.org`;
  await register(email);
  const time = async (e) => {
    const t0 = process.hrtime.bigint();
    const r = await login(e, 'wrong password here');
    assertProblem(r, 401, 'bad_credentials');
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  // The fastest of four each: a busy machine only ever adds time, so the minimum is what
  // each path costs (four, since the fifth failure in a row would be throttled).
  const known = [];
  const unknown = [];
  for (let i = 0; i < 4; i++) {
    known.push(await time(email));
    unknown.push(await time(`ghost.${uniq()}@example.org`));
  }
  const ratio = Math.min(...known) / Math.min(...unknown);
  assert.ok(ratio > 0.5 && ratio < 2, `known ${known} ms vs unknown ${unknown} ms`);
  // Both paths pay for a real Argon2id verification (tens of milliseconds), not a lookup.
  assert.ok(Math.min(...unknown) > 5, `unknown email answered in ${unknown} ms`);
});

test('five failed logins in 15 minutes give 429 too_many_logins with Retry-After, even with the right password', async () => {
  const email = `throttle.${uniq()}@example.org`;
  await register(email, 'the right password');
  for (let i = 0; i < 5; i++) assertProblem(await login(email, `wrong password ${i}`), 401, 'bad_credentials');
  const res = await login(email, 'the right password');
  const p = assertProblem(res, 429, 'too_many_logins');
  assert.equal(p.code, 'rate_limited');
  const wait = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(wait) && wait > 0 && wait <= 900, `Retry-After: ${res.headers.get('retry-after')}`);
});

test('parallel guesses cannot slip past the throttle: 10 at once give five 401 and five 429', async () => {
  const email = `burst.${uniq()}@example.org`;
  await register(email, 'the right password');
  const all = await Promise.all(Array.from({ length: 10 }, (_, i) => login(email, `guess number ${i}`)));
  const answers = all.map((r) => `${r.status} ${r.json?.reason}`).sort();
  assert.deepEqual(answers, [...Array(5).fill('401 bad_credentials'), ...Array(5).fill('429 too_many_logins')]);
});

test('failed logins of an unknown email are throttled too', async () => {
  const email = `ghost.${uniq()}@example.org`;
  for (let i = 0; i < 5; i++) assertProblem(await login(email, 'whatever password'), 401, 'bad_credentials');
  const res = await login(email.toUpperCase(), 'whatever password');
  assertProblem(res, 429, 'too_many_logins');
  assert.ok(Number(res.headers.get('retry-after')) > 0);
});

test('a successful login clears the failures counted before it', async () => {
  const email = `clear.${uniq()}@example.org`;
  await register(email, 'the right password');
  for (let i = 0; i < 4; i++) assertProblem(await login(email, 'wrong password'), 401, 'bad_credentials');
  assert.equal((await login(email, 'the right password')).status, 200);
  for (let i = 0; i < 4; i++) assertProblem(await login(email, 'wrong password'), 401, 'bad_credentials');
  assert.equal((await login(email, 'the right password')).status, 200);
});

test('the token endpoint validates its body: 422 validation_failed with pointers', async () => {
  const res = await api('POST', '/api/v1/auth/token', { body: { email: 'x', password: 7, extra: 1 } });
  assertProblem(res, 422, 'validation_failed');
  assert.deepEqual(res.json.errors.map((e) => e.pointer).sort(), ['/email', '/extra', '/password']);
});

test('the token endpoint without a body gives 400 body_required', async () => {
  assertProblem(await api('POST', '/api/v1/auth/token'), 400, 'body_required');
});

// ------------------------------------------------------------------ user management

async function createUser(body) {
  return api('POST', '/api/v1/users', { token: admin, body });
}

test('the administradora creates a director with an existing unit; the token carries unit_id', async () => {
  const unitId = await someUnitId();
  const email = `director.${uniq()}@example.org`;
  const res = await createUser({ email, password: 'director password', name: 'Ivonne Endara', role: 'directores', unit_id: unitId });
  assert.equal(res.status, 201, res.text);
  assertUser(res.json, { email, name: 'Ivonne Endara', role: 'directores', unit_id: unitId, disabled: false });
  assert.equal(res.headers.get('location'), `/api/v1/users/${res.json.id}`);
  const tok = await login(email, 'director password');
  assert.equal(tok.status, 200);
  const p = payloadOf(tok.json.access_token);
  assert.equal(p.role, 'directores');
  assert.equal(p.unit_id, unitId);
  assert.equal(p.sub, `user:${res.json.id}`);
});

test('the Location of a new account reads it back (admin only), never with a hash', async () => {
  const email = `leer.${uniq()}@example.org`;
  const res = await createUser({ email, password: 'citizen password', name: 'Lectura', role: 'ciudadanos' });
  assert.equal(res.status, 201, res.text);
  const got = await api('GET', res.headers.get('location'), { token: admin });
  assert.equal(got.status, 200);
  assert.deepEqual(got.json, res.json);
  assert.equal(got.headers.get('etag'), res.headers.get('etag'));
  assert.ok(!/hash|password/i.test(got.text));
  assertProblem(await api('GET', res.headers.get('location'), { token: tokenFor('directores', { unit_id: 1 }) }), 403, 'role_forbidden');
});

test('GET of an account that does not exist gives 404 user_not_found', async () => {
  assertProblem(await api('GET', '/api/v1/users/999999999', { token: admin }), 404, 'user_not_found');
});

test('a director without unit_id gets 422 director_needs_unit at /unit_id', async () => {
  const res = await createUser({ email: `d.${uniq()}@example.org`, password: 'director password', name: 'D', role: 'directores' });
  assertProblem(res, 422, 'director_needs_unit');
  assert.deepEqual(res.json.errors.map((e) => e.pointer), ['/unit_id']);
});

test('a director with a unit that does not exist gets 422 unknown_unit at /unit_id', async () => {
  const res = await createUser({ email: `d.${uniq()}@example.org`, password: 'director password', name: 'D', role: 'directores', unit_id: 999999999 });
  assertProblem(res, 422, 'unknown_unit');
  assert.deepEqual(res.json.errors.map((e) => e.pointer), ['/unit_id']);
});

test('other roles carry no unit: 422 unit_only_for_directors at /unit_id', async () => {
  const unitId = await someUnitId();
  for (const role of ['ciudadanos', 'administradora']) {
    const res = await createUser({ email: `u.${uniq()}@example.org`, password: 'long password', name: 'U', role, unit_id: unitId });
    assertProblem(res, 422, 'unit_only_for_directors');
    assert.deepEqual(res.json.errors.map((e) => e.pointer), ['/unit_id'], role);
  }
});

test('creating a user validates role, email and password', async () => {
  const res = await createUser({ email: 'bad', password: 'short', name: 'X', role: 'root' });
  assertProblem(res, 422, 'validation_failed');
  assert.deepEqual(res.json.errors.map((e) => e.pointer).sort(), ['/email', '/password', '/role']);
});

test('creating a user with a taken email gives 409 email_taken', async () => {
  const email = `dup.${uniq()}@example.org`;
  assert.equal((await createUser({ email, password: 'long password', name: 'A', role: 'administradora' })).status, 201);
  assertProblem(await createUser({ email: email.toUpperCase(), password: 'long password', name: 'B', role: 'ciudadanos' }), 409, 'email_taken');
});

test('GET /users pages through every account without repeats or hashes', async () => {
  for (let i = 0; i < 3; i++) await register(`page.${uniq()}@example.org`);
  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const q = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
    const res = await api('GET', `/api/v1/users${q}`, { token: admin });
    assert.equal(res.status, 200);
    assert.ok(res.json.items.length <= 2);
    for (const u of res.json.items) {
      assert.deepEqual(Object.keys(u), USER_KEYS);
      seen.push(u.id);
    }
    assertNoSecret(res.json.items);
    cursor = res.json.next_cursor;
    pages++;
  } while (cursor && pages < 1000);
  assert.ok(pages >= 2);
  assert.equal(new Set(seen).size, seen.length);
  assert.deepEqual([...seen].sort((a, b) => a - b), seen);
  assert.equal(seen.length, Number(sql('SELECT count(*) FROM users')));
});

test('PATCH /users/{id} changes name and role; leaving directores drops the unit', async () => {
  const unitId = await someUnitId();
  const created = await createUser({ email: `p.${uniq()}@example.org`, password: 'long password', name: 'Before', role: 'directores', unit_id: unitId });
  const id = created.json.id;
  let res = await api('PATCH', `/api/v1/users/${id}`, { token: admin, body: { name: 'After' } });
  assert.equal(res.status, 200);
  assertUser(res.json, { id, name: 'After', role: 'directores', unit_id: unitId });
  res = await api('PATCH', `/api/v1/users/${id}`, { token: admin, body: { role: 'ciudadanos' } });
  assert.equal(res.status, 200);
  assertUser(res.json, { role: 'ciudadanos', unit_id: null });
  res = await api('PATCH', `/api/v1/users/${id}`, { token: admin, body: { role: 'directores' } });
  assertProblem(res, 422, 'director_needs_unit');
  assert.deepEqual(res.json.errors.map((e) => e.pointer), ['/unit_id']);
  res = await api('PATCH', `/api/v1/users/${id}`, { token: admin, body: { role: 'directores', unit_id: unitId } });
  assert.equal(res.status, 200);
  assertUser(res.json, { role: 'directores', unit_id: unitId });
  res = await api('PATCH', `/api/v1/users/${id}`, { token: admin, body: { unit_id: 999999999 } });
  assertProblem(res, 422, 'unknown_unit');
  assert.deepEqual(res.json.errors.map((e) => e.pointer), ['/unit_id']);
});

test('PATCH /users/{id} with a password replaces it: the new one works, the old one does not', async () => {
  const email = `pw.${uniq()}@example.org`;
  const created = await register(email, 'the old password');
  const res = await api('PATCH', `/api/v1/users/${created.json.id}`, { token: admin, body: { password: 'the new password' } });
  assert.equal(res.status, 200);
  assertNoSecret(res.json);
  assertProblem(await login(email, 'the old password'), 401, 'bad_credentials');
  assert.equal((await login(email, 'the new password')).status, 200);
});

test('a disabled account gets the same 401 as a wrong password, even with the right one', async () => {
  const email = `off.${uniq()}@example.org`;
  const created = await register(email, 'the right password');
  const res = await api('PATCH', `/api/v1/users/${created.json.id}`, { token: admin, body: { disabled: true } });
  assert.equal(res.status, 200);
  assert.equal(res.json.disabled, true);
  const refused = await login(email, 'the right password');
  const wrong = await login(`nobody.${uniq()}@example.org`, 'the right password');
  assertProblem(refused, 401, 'bad_credentials');
  assert.deepEqual(refused.json, wrong.json);
  await api('PATCH', `/api/v1/users/${created.json.id}`, { token: admin, body: { disabled: false } });
  assert.equal((await login(email, 'the right password')).status, 200);
});

test('PATCH /users/{id} honours If-Match: a stale ETag gives 412', async () => {
  const created = await register(`etag.${uniq()}@example.org`);
  const etag = created.headers.get('etag');
  const first = await api('PATCH', `/api/v1/users/${created.json.id}`, { token: admin, body: { name: 'Uno' }, headers: { 'if-match': etag } });
  assert.equal(first.status, 200);
  const stale = await api('PATCH', `/api/v1/users/${created.json.id}`, { token: admin, body: { name: 'Dos' }, headers: { 'if-match': etag } });
  assertProblem(stale, 412, 'stale');
});

test('PATCH /users/{id} of no account gives 404 user_not_found', async () => {
  assertProblem(await api('PATCH', '/api/v1/users/999999999', { token: admin, body: { name: 'x' } }), 404, 'user_not_found');
});

test('PATCH /users/{id} with an empty or bad body gives 422 validation_failed', async () => {
  const created = await register(`empty.${uniq()}@example.org`);
  const empty = await api('PATCH', `/api/v1/users/${created.json.id}`, { token: admin, body: {} });
  assertProblem(empty, 422, 'validation_failed');
  const bad = await api('PATCH', `/api/v1/users/${created.json.id}`, { token: admin, body: { disabled: 'yes', password: 'short', email: 'x@y.z' } });
  assertProblem(bad, 422, 'validation_failed');
  assert.deepEqual(bad.json.errors.map((e) => e.pointer).sort(), ['/disabled', '/email', '/password']);
});

test('user changes are audited without the hash, password changes included', async () => {
  const created = await register(`audit.${uniq()}@example.org`, 'first password');
  const id = created.json.id;
  await api('PATCH', `/api/v1/users/${id}`, { token: admin, body: { password: 'second password' } });
  const rows = JSON.parse(sql(`SELECT json_agg(json_build_object('action', action, 'sub', actor_sub, 'before', before, 'after', after) ORDER BY id) FROM audit_log WHERE entity = 'user' AND entity_id = ${id}`));
  assert.equal(rows.length, 2);
  assert.equal(rows[0].action, 'create');
  assert.equal(rows[0].sub, `user:${id}`);
  assert.equal(rows[1].action, 'update');
  assert.equal(rows[1].sub, 'admin-auth-tests');
  assert.doesNotMatch(JSON.stringify(rows), /argon2|password_hash|first password|second password/);
});

// ------------------------------------------------------------------ the CLI

test('rendicion user add creates an account with the password from stdin', async () => {
  const email = `cli.${uniq()}@example.org`;
  const r = spawnSync(BINARY, ['user', 'add', '--email', email, '--role', 'administradora', '--name', 'Desde la consola'], {
    input: 'cli password 123\n', encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const u = JSON.parse(r.stdout);
  assert.equal(u.email, email);
  assert.equal(u.role, 'administradora');
  assertNoSecret(u);
  const tok = await login(email, 'cli password 123');
  assert.equal(tok.status, 200);
  assert.equal(payloadOf(tok.json.access_token).role, 'administradora');
});

test('rendicion user add refuses a password under 10 characters and creates nothing', () => {
  const email = `cli.short.${uniq()}@example.org`;
  const r = spawnSync(BINARY, ['user', 'add', '--email', email, '--role', 'ciudadanos'], { input: 'short\n', encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /10 characters/);
  assert.equal(sql(`SELECT count(*) FROM users WHERE email = '${email}'`), '0');
});

test('rendicion user add needs --unit-id for directores', () => {
  const r = spawnSync(BINARY, ['user', 'add', '--email', `cli.d.${uniq()}@example.org`, '--role', 'directores'], { input: 'long password\n', encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /unit-id/);
});

test('rendicion token prints a token the service accepts', async () => {
  const r = spawnSync(BINARY, ['token', '--sub', 'ops@example.org', '--role', 'directores', '--unit-id', '4'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const me = await api('GET', '/api/v1/me', { token: r.stdout.trim() });
  assert.equal(me.status, 200);
  assert.equal(me.json.sub, 'ops@example.org');
  assert.equal(me.json.unit_id, 4);
});
