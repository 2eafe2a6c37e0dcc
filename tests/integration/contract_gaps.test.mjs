// Exchanges that the other scenarios make only with raw fetch (unrecorded), made here
// through api() so that tests/contract/check.mjs validates them against the spec too.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, assertProblem, seedPlanId } from './lib.mjs';

let planId;

before(async () => {
  planId = await seedPlanId();
});

test('the schedule is served as text/csv when Accept asks for it', async () => {
  const r = await api('GET', `/api/v1/plans/${planId}/activities`, { headers: { accept: 'text/csv' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(r.text, /^\uFEFF?eje,actividad,mes,responsables,estado,avance\r\n/);
});

test('a bad filter with Accept: text/csv is a JSON problem, not CSV', async () => {
  const r = await api('GET', `/api/v1/plans/${planId}/activities?due_month=13`, { headers: { accept: 'text/csv' } });
  assertProblem(r, 400, 'invalid_parameter');
  assert.equal(r.headers.get('content-type'), 'application/problem+json');
  assert.equal(r.json.code, 'invalid_parameter');
});

test('HEAD of a plan answers like GET, with its ETag and no body', async () => {
  const get = await api('GET', `/api/v1/plans/${planId}`);
  const head = await api('HEAD', `/api/v1/plans/${planId}`);
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
  assert.equal(head.headers.get('etag'), get.headers.get('etag'));
});
