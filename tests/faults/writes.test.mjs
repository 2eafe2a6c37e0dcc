// PostgreSQL restarted in the middle of a burst of citizen submissions: clients retry
// with their Idempotency-Key as a real client would; afterwards every submission that
// got 201 is in the database exactly once, and nothing was stored twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { api, tokenFor, sql } from '../integration/lib.mjs';

const pg = (...args) => execFileSync('scripts/pg.sh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let unavailable = 0; // 503s and refused connections seen: proof the restart hit the burst

async function submit(axisId, token, key, body) {
  for (let attempt = 0; attempt < 100; attempt++) {
    let res;
    try {
      res = await api('POST', `/api/v1/axes/${axisId}/observations`, {
        token, body: { kind: 'observation', body }, headers: { 'idempotency-key': key },
      });
    } catch {
      unavailable++;
      await sleep(100);
      continue;
    }
    if (res.status !== 503) return res;
    unavailable++;
    await sleep(100 + Number(res.headers.get('retry-after') ?? 0) * 10);
  }
  throw new Error(`no answer for ${key}`);
}

test('a restart mid-write loses no accepted submission and stores none twice', async () => {
  const plans = await api('GET', '/api/v1/plans');
  const planId = plans.json.items[0].id;
  const axisId = (await api('GET', `/api/v1/plans/${planId}`)).json.axes[0].id;
  const citizens = Array.from({ length: 20 }, (_, i) => ({
    sub: `restart-${i}@example.org`, token: tokenFor('ciudadanos', { sub: `restart-${i}@example.org` }),
  }));
  const jobs = [];
  for (let round = 0; round < 5; round++) {
    for (const c of citizens) {
      const key = `k-${c.sub}-${round}`;
      jobs.push({ c, key, body: `Observación ${round} de ${c.sub}` });
    }
  }
  const running = jobs.map(async (j, i) => {
    await sleep(i * 10); // spread over a second, so the restart lands in the middle
    j.res = await submit(axisId, j.c.token, j.key, j.body);
  });
  await sleep(300);
  pg('stop', process.env.PGDATA_DIR);
  await sleep(300);
  pg('start', process.env.PGDATA_DIR, process.env.PG_PORT);
  await Promise.all(running);
  assert.ok(unavailable > 0, 'the restart did not overlap the submissions');

  const statuses = [...new Set(jobs.map((j) => j.res.status))];
  assert.deepEqual(statuses, [201], `answers: ${statuses}`);
  const ids = jobs.map((j) => j.res.json.id);
  assert.equal(new Set(ids).size, jobs.length, 'two submissions were given the same id');
  const stored = sql(`SELECT count(*) || ',' || count(DISTINCT body) FROM observations
                      WHERE author_sub LIKE 'restart-%'`);
  assert.equal(stored, `${jobs.length},${jobs.length}`);
  const missing = sql(`SELECT count(*) FROM unnest(ARRAY[${ids.join(',')}]::bigint[]) AS i
                       WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE o.id = i)`);
  assert.equal(missing, '0');
});
