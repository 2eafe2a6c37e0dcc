// Core behaviour of the running service: operational endpoints, error format,
// content negotiation, request ids, the public read of the seed plan, and
// token rejection. Run by tests/integration/run.sh (needs BASE_URL etc.).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { api, assertProblem, tokenFor, seedDocument, differences, SEED_TITLE, seedPlanId } from './lib.mjs';



test('GET /health answers 200', async () => {
  const res = await api('GET', '/health');
  assert.equal(res.status, 200);
});

test('GET /ready answers 200 while the database is up', async () => {
  const res = await api('GET', '/ready');
  assert.equal(res.status, 200);
});

test('GET /openapi.json serves an OpenAPI 3.1 document', async () => {
  const res = await api('GET', '/openapi.json');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /json/);
  assert.equal(typeof res.json?.openapi, 'string');
  assert.ok(res.json.openapi.startsWith('3.1'), `openapi is ${res.json.openapi}`);
});

test('GET /metrics serves Prometheus text with http_requests_total', async () => {
  await api('GET', '/health'); // at least one request counted
  const res = await api('GET', '/metrics');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  assert.match(res.text, /http_requests_total/);
});

test('an unknown path gives a 404 problem+json, reason no_route', async () => {
  const res = await api('GET', '/api/v1/no-such-thing');
  assertProblem(res, 404, 'no_route');
});

test('DELETE /api/v1/plans gives 405 with an Allow header listing GET and POST', async () => {
  const res = await api('DELETE', '/api/v1/plans', { token: tokenFor('administradora') });
  assertProblem(res, 405);
  const allow = (res.headers.get('allow') ?? '').split(',').map((m) => m.trim().toUpperCase());
  assert.ok(allow.includes('GET'), `Allow: ${res.headers.get('allow')}`);
  assert.ok(allow.includes('POST'), `Allow: ${res.headers.get('allow')}`);
});

test('POST /api/v1/plans with a text/plain body gives 415', async () => {
  const res = await api('POST', '/api/v1/plans', {
    token: tokenFor('administradora'),
    headers: { 'content-type': 'text/plain' },
    raw: 'title=Plan',
  });
  assertProblem(res, 415);
});

// Raw bodies the JSON reader refuses before validation, each with its reason.
const postPlanRaw = (raw) => api('POST', '/api/v1/plans', {
  token: tokenFor('administradora'),
  headers: { 'content-type': 'application/json' },
  raw,
});
for (const [name, raw, reason] of [
  ['POST /api/v1/plans with malformed JSON gives 400 invalid_json',
    '{"title": "Plan", "year": ', 'invalid_json'],
  ['a JSON object with a repeated member gives 400 invalid_json',
    '{"title": "Plan", "title": "Otro", "entity": "e", "year": 2030}', 'invalid_json'],
  ['well-formed JSON nested 40 deep gives 400 json_too_deep, not invalid_json',
    `{"title": ${'['.repeat(40)}${']'.repeat(40)}}`, 'json_too_deep'],
]) {
  test(name, async () => {
    const p = assertProblem(await postPlanRaw(raw), 400, reason);
    assert.equal(p.code, 'invalid_json');
  });
}

test('a JSON body that is not an object (null, 1, "x", []) gives 422 at the root', async () => {
  for (const raw of ['null', '1', '"x"', '[]', 'true']) {
    const res = await postPlanRaw(raw);
    assertProblem(res, 422, 'validation_failed');
    assert.equal(res.json.errors[0].pointer, '', raw);
  }
});

test('a request body over 1 MiB gives 413', async () => {
  const big = JSON.stringify({ title: 'x'.repeat(1024 * 1024 + 16), process: 'p', entity: 'e', year: 2030 });
  const res = await api('POST', '/api/v1/plans', {
    token: tokenFor('administradora'),
    headers: { 'content-type': 'application/json' },
    raw: big,
  });
  assertProblem(res, 413);
});

test('X-Request-Id: a sane client id is echoed', async () => {
  const id = 'it-core-0123456789abcdef';
  const res = await api('GET', '/health', { headers: { 'x-request-id': id } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-request-id'), id);
});

test('X-Request-Id: generated when the client sends none', async () => {
  const a = await api('GET', '/health');
  const b = await api('GET', '/health');
  const ida = a.headers.get('x-request-id');
  const idb = b.headers.get('x-request-id');
  assert.ok(ida && ida.length > 0, 'first response has an id');
  assert.ok(idb && idb.length > 0, 'second response has an id');
  assert.notEqual(ida, idb, 'generated ids differ');
});

test('X-Request-Id: an overlong (500 chars) client id is replaced', async () => {
  const insane = 'a'.repeat(500);
  const res = await api('GET', '/health', { headers: { 'x-request-id': insane } });
  assert.equal(res.status, 200);
  const got = res.headers.get('x-request-id');
  assert.ok(got && got.length > 0 && got.length < 500, `got ${got?.length} chars`);
  assert.notEqual(got, insane);
});

test('X-Request-Id: a client id with control characters is replaced', async () => {
  // A tab is the one control character fetch will put in a header value.
  const insane = 'abc\tdef';
  const res = await api('GET', '/health', { headers: { 'x-request-id': insane } });
  assert.equal(res.status, 200);
  const got = res.headers.get('x-request-id');
  assert.ok(got && got.length > 0, 'an id is generated');
  assert.notEqual(got, insane);
  assert.doesNotMatch(got, /[\x00-\x1f\x7f]/);
});

test('Accept-Language: en gives an English detail, different from the Spanish default', async () => {
  const es = assertProblem(await api('GET', '/api/v1/no-such-thing'), 404, 'no_route');
  const en = assertProblem(
    await api('GET', '/api/v1/no-such-thing', { headers: { 'accept-language': 'en' } }),
    404,
    'no_route',
  );
  assert.equal(es.detail, 'No existe ese recurso.');
  assert.equal(en.detail, 'There is no such resource.');
});

test('the reason does not change with the language, only the detail', async () => {
  const path = '/api/v1/plans/999999999';
  const es = assertProblem(await api('GET', path), 404, 'plan_not_found');
  const en = assertProblem(await api('GET', path, { headers: { 'accept-language': 'en' } }), 404, 'plan_not_found');
  assert.equal(es.detail, 'El plan no existe.');
  assert.equal(en.detail, 'The plan does not exist.');
  assert.equal(en.code, es.code);
});

test('GET /api/v1/plans without a token lists the approved seed plan', async () => {
  const res = await api('GET', '/api/v1/plans');
  assert.equal(res.status, 200);
  assert.ok(Array.isArray(res.json.items));
  assert.ok(res.json.items.length >= 1);
  const first = res.json.items[0];
  assert.equal(first.title, SEED_TITLE);
  assert.equal(first.status, 'approved');
  assert.equal(first.year, 2024);
  assert.equal(typeof first.id, 'number');
  assert.equal(res.json.next_cursor, null);
});

test('GET /api/v1/plans/{id} includes the 4 axes', async () => {
  const id = await seedPlanId();
  const res = await api('GET', `/api/v1/plans/${id}`);
  assert.equal(res.status, 200);
  assert.equal(res.json.id, id);
  assert.equal(res.json.title, SEED_TITLE);
  assert.ok(Array.isArray(res.json.axes));
  assert.equal(res.json.axes.length, 4);
  const seed = seedDocument();
  assert.deepEqual(
    res.json.axes.map((a) => ({ number: a.number, name: a.name })),
    seed.axes.map((a) => ({ number: a.number, name: a.name })),
  );
  for (const a of res.json.axes) assert.equal(typeof a.id, 'number');
});

test('GET /api/v1/plans/{id}/document equals the seed document', async () => {
  const id = await seedPlanId();
  const res = await api('GET', `/api/v1/plans/${id}/document`);
  assert.equal(res.status, 200);
  const seed = seedDocument();
  // The seed file is the source of truth: every field it has must come back
  // equal (extra fields such as ids are allowed).
  assert.deepEqual(differences(res.json, seed), []);
});

test('a garbage bearer token gives 401 with WWW-Authenticate invalid_token', async () => {
  const res = await api('GET', '/api/v1/me', { token: 'not-a-jwt' });
  assertProblem(res, 401, 'invalid_token');
  const www = res.headers.get('www-authenticate') ?? '';
  assert.match(www, /^Bearer\b/);
  assert.match(www, /invalid_token/);
});

test('every answer carries the security headers and no server banner', async () => {
  for (const res of [await api('GET', '/api/v1/plans'), await api('GET', '/nope'),
    await api('GET', '/api/v1/plans', { token: tokenFor('administradora') })]) {
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('server'), null);
    assert.ok(res.headers.get('cache-control'));
  }
  assert.equal((await api('GET', '/api/v1/plans')).headers.get('cache-control'), 'public, no-cache');
  assert.equal((await api('GET', '/api/v1/plans', { token: tokenFor('administradora') }))
    .headers.get('cache-control'), 'private, no-cache');
  assert.equal((await api('GET', '/nope')).headers.get('cache-control'), 'no-store');
});

test('the log has one JSON line per request and never a secret or a token', async () => {
  const token = tokenFor('administradora', { sub: 'log-check' });
  const res = await api('GET', '/api/v1/me', { token, headers: { 'x-request-id': 'log-check-1' } });
  assert.equal(res.status, 200);
  const log = readFileSync(process.env.SVC_LOG, 'utf8');
  assert.ok(!log.includes(process.env.JWT_SECRET), 'the JWT secret is in the log');
  assert.ok(!log.includes(token.split('.')[2]), 'a token signature is in the log');
  const line = log.split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .find((l) => l.request_id === 'log-check-1');
  assert.equal(line.method, 'GET');
  assert.equal(line.path, '/api/v1/me');
  assert.equal(line.status, 200);
  assert.equal(typeof line.duration_ms, 'number');
  assert.match(line.time, /Z$/);
});
