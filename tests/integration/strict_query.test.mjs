// Query parameters are checked like bodies (openapi/openapi.yaml): an unknown parameter,
// or a known one given twice, is 400 invalid_parameter naming it, on every endpoint.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, assertProblem, seedPlanId, tokenFor } from './lib.mjs';

let planId;

before(async () => {
  planId = await seedPlanId();
});

function names(res, name) {
  const p = assertProblem(res, 400, 'invalid_parameter');
  assert.ok(p.detail.includes(name), `detail names ${name}: ${p.detail}`);
  assert.deepEqual(p.errors.map((e) => e.pointer), [`/query/${name}`]);
}

test('an unknown parameter is refused, also where a route declares none', async () => {
  names(await api('GET', `/api/v1/plans/${planId}?bust=123`), 'bust');
  names(await api('GET', `/api/v1/plans/${planId}/document?bust=${Math.random()}`), 'bust');
  names(await api('GET', '/api/v1/plans?q=ordenanza'), 'q');
  names(await api('GET', `/api/v1/plans/${planId}/activities?sort=-due_month`), 'sort');
  names(await api('GET', '/health?x'), 'x');
});

test('a known parameter given twice is refused', async () => {
  names(await api('GET', '/api/v1/plans?status=draft&status=approved'), 'status');
  names(await api('GET', '/api/v1/plans?limit=5&limit=6'), 'limit');
  names(await api('GET', `/api/v1/plans/${planId}/activities?cursor=a&cursor=b`), 'cursor');
});

test('limit and cursor belong to lists only', async () => {
  names(await api('GET', `/api/v1/plans/${planId}?limit=5`), 'limit');
  const ok = await api('GET', `/api/v1/plans/${planId}/activities?limit=5`);
  assert.equal(ok.status, 200);
});

test('a name is compared decoded, and pointer characters are escaped', async () => {
  names(await api('GET', '/api/v1/plans?%73tatus=draft&status=draft'), 'status');
  const p = assertProblem(await api('GET', '/api/v1/plans?a%2Fb~c=1'), 400, 'invalid_parameter');
  assert.deepEqual(p.errors, [{ pointer: '/query/a~1b~0c', message: p.detail }]);
});

test('declared parameters once each, and empty pieces, still pass', async () => {
  const staff = tokenFor('administradora');
  assert.equal((await api('GET', '/api/v1/plans?status=draft&limit=2&', { token: staff })).status, 200);
  assert.equal((await api('GET', '/api/v1/plans?&&year=2024')).status, 200);
});

test('a value that is not UTF-8 is refused on every route, whatever the parameter', async () => {
  names(await api('GET', '/api/v1/plans?status=%FF'), 'status');
  names(await api('GET', `/api/v1/plans/${planId}/compliance?as_of=2024-01-0%C3`), 'as_of');
  names(await api('GET', `/api/v1/plans/${planId}/activities?agreement_id=%FF1`), 'agreement_id');
});
