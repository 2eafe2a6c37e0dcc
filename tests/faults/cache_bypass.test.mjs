// Issue 17, row 6 (load-shaped, bounded): an unknown query parameter no longer bypasses
// the public cache: GET /plans/{id}/document?bust=<random> × 600 at 100 concurrent is 400
// invalid_parameter each, answered before any rendering, and nothing is 503.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { seedPlanId } from '../integration/lib.mjs';
import { startInstance, stopInstance } from './instance.mjs';

test('row 6: 600 cache-busting document requests at 100 concurrent → 400 each; the plain URL → 200', async () => {
  const inst = await startInstance();
  try {
    const id = await seedPlanId();
    const statuses = [];
    for (let round = 0; round < 6; round++) {
      const batch = await Promise.all(Array.from({ length: 100 }, () =>
        fetch(`${inst.base}/api/v1/plans/${id}/document?bust=${randomBytes(6).toString('hex')}`)
          .then(async (r) => { await r.arrayBuffer(); return r.status; })));
      statuses.push(...batch);
    }
    assert.deepEqual([...new Set(statuses)], [400]);
    const plain = await fetch(`${inst.base}/api/v1/plans/${id}/document`);
    assert.equal(plain.status, 200);
  } finally {
    await stopInstance(inst);
  }
});
