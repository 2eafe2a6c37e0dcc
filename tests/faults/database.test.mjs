// The database goes away and comes back: the service answers 503 with Retry-After
// quickly (never another 5xx, never a hang), keeps /health up, and recovers without a
// restart (connections and prepared statements rebuilt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { api, assertProblem } from '../integration/lib.mjs';

const pg = (...args) => execFileSync('scripts/pg.sh', args, { stdio: ['ignore', 'pipe', 'pipe'] });

async function until(fn, ms) {
  const end = Date.now() + ms;
  for (;;) {
    const r = await fn();
    if (r || Date.now() > end) return r;
    await new Promise((res) => setTimeout(res, 100));
  }
}

test('with PostgreSQL stopped, reads get 503 database_unavailable with Retry-After in well under 5 s', async () => {
  assert.equal((await api('GET', '/api/v1/plans')).status, 200); // the pool holds live connections
  pg('stop', process.env.PGDATA_DIR);
  try {
    const started = Date.now();
    const r = await api('GET', '/api/v1/plans');
    const took = Date.now() - started;
    assertProblem(r, 503, 'database_unavailable');
    assert.equal(r.headers.get('content-type'), 'application/problem+json');
    assert.equal(r.json.code, 'database_unavailable');
    assert.match(r.headers.get('retry-after') ?? '', /^\d+$/);
    assert.ok(took < 2500, `503 took ${took} ms`);
  } finally {
    pg('start', process.env.PGDATA_DIR, process.env.PG_PORT);
  }
});

test('under load with PostgreSQL down every answer is 503 database_unavailable, and /health stays 200', async () => {
  pg('stop', process.env.PGDATA_DIR);
  try {
    const paths = ['/api/v1/plans', '/api/v1/plans/1', '/api/v1/plans/1/document', '/ready'];
    const replies = await Promise.all(
      Array.from({ length: 80 }, (_, i) => api('GET', paths[i % paths.length])));
    const answers = replies.map((r) => `${r.status} ${r.json?.reason}`);
    assert.deepEqual([...new Set(answers)], ['503 database_unavailable']);
    assert.equal((await api('GET', '/health')).status, 200);
  } finally {
    pg('start', process.env.PGDATA_DIR, process.env.PG_PORT);
  }
});

test('after PostgreSQL comes back the service recovers without a restart', async () => {
  const ok = await until(async () => (await api('GET', '/api/v1/plans')).status === 200, 10000);
  assert.ok(ok, 'no 200 within 10 s of PostgreSQL coming back');
  // Every pooled connection was rebuilt and re-prepared: a burst all succeeds.
  const replies = await Promise.all(
    Array.from({ length: 40 }, () => api('GET', '/api/v1/plans')));
  assert.deepEqual([...new Set(replies.map((r) => r.status))], [200]);
  assert.equal((await api('GET', '/ready')).status, 200);
});
