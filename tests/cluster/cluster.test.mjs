// Two replicas behind HAProxy, their requests through PgBouncer in transaction mode
// (tests/cluster/topology.sh, run by `make test-cluster`): what one replica writes the
// other reads, both response caches follow every committed change, and a replica killed
// with SIGKILL in the middle of a load of submissions loses none that was committed while
// the proxy sends everything to the survivor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, tokenFor, seedPlanId, seedDocument, sql, loginFrom as login } from '../integration/lib.mjs';

const PROXY = process.env.PROXY_URL;
const R1 = process.env.REPLICA1_URL;
const R2 = process.env.REPLICA2_URL;
const admin = tokenFor('administradora', { sub: 'cluster-admin' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('the proxy spreads requests over both replicas', async () => {
  const seen = new Set();
  for (let i = 0; i < 20; i++) {
    const r = await api('GET', '/health', { base: PROXY });
    assert.equal(r.status, 200);
    seen.add(r.headers.get('x-replica'));
  }
  assert.deepEqual([...seen].sort(), ['r1', 'r2']);
});

test('a write through one replica is read through the other', async () => {
  const doc = { ...seedDocument(), title: `Plan de la réplica ${randomUUID()}` };
  const created = await api('POST', '/api/v1/plans/import', { base: R1, token: admin, body: doc });
  assert.equal(created.status, 201, created.text);
  const read = await api('GET', `/api/v1/plans/${created.json.id}`, { base: R2, token: admin });
  assert.equal(read.status, 200, read.text);
  assert.equal(read.json.title, doc.title);
  assert.equal(read.headers.get('etag'), created.headers.get('etag'));

  const citizen = tokenFor('ciudadanos', { sub: `cluster-${randomUUID()}` });
  const axis = created.json.axes[0].id;
  const sent = await api('POST', `/api/v1/axes/${axis}/observations`,
    { base: R2, token: citizen, body: { kind: 'contribution', body: 'Escrita en la réplica 2' } });
  assert.equal(sent.status, 201, sent.text);
  const mine = await api('GET', '/api/v1/me/observations', { base: R1, token: citizen });
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(mine.json.items.map((o) => o.id), [sent.json.id]);
});

/** POST /api/v1/auth/token through the proxy from a given local address, with an
 * X-Real-IP that the proxy must replace. */
const loginFrom = (localAddress, email, password) => login(localAddress, email, password,
  { base: PROXY, headers: { 'x-real-ip': '10.9.8.7' } });

test('behind the proxy the login throttle counts each client\'s own address, not the proxy\'s', async () => {
  const email = `owner.${randomUUID()}@example.org`;
  const reg = await api('POST', '/api/v1/auth/register', { base: PROXY, body: { email, password: 'the owner password', name: 'Dueña' } });
  assert.equal(reg.status, 202, reg.text);
  // The attacker (127.0.0.2) forges X-Real-IP; the proxy replaces it with his address.
  for (let i = 0; i < 5; i++) assert.equal((await loginFrom('127.0.0.2', email, 'wrong password')).status, 401);
  assert.equal((await loginFrom('127.0.0.2', email, 'the owner password')).status, 429);
  // The owner, another client of the same proxy, still signs in.
  const owner = await loginFrom('127.0.0.3', email, 'the owner password');
  assert.equal(owner.status, 200, owner.text);
});

/** The progress of activity id in the plan's public list of activities, as base serves it. */
async function publicProgress(base, planId, activity) {
  const r = await api('GET', `/api/v1/plans/${planId}/activities`, { base });
  assert.equal(r.status, 200, r.text);
  return r.json.items.find((t) => t.id === activity).progress;
}

test('each replica\'s response cache follows a change committed through the other', async () => {
  const planId = await seedPlanId();
  const list = await api('GET', `/api/v1/plans/${planId}/activities`, { base: R1 });
  const activity = list.json.items[0];
  for (const [writer, reader, progress] of [[R1, R2, activity.progress + 1], [R2, R1, activity.progress + 2]]) {
    // Both replicas hold the public list in their caches: a change that bypasses the
    // triggers (no notification) is not seen.
    for (const base of [R1, R2]) assert.equal(await publicProgress(base, planId, activity.id), progress - 1);
    sql(`SET session_replication_role = replica; UPDATE activities SET progress = ${progress + 50} WHERE id = ${activity.id};
         SELECT activity_tally_rebuild()`);
    for (const base of [R1, R2]) assert.equal(await publicProgress(base, planId, activity.id), progress - 1);
    const r = await api('POST', `/api/v1/activities/${activity.id}/updates`,
      { base: writer, token: admin, body: { progress, note: 'Avance en el clúster' } });
    assert.equal(r.status, 201, r.text);
    // The writer's own cache is current when its answer comes (the write waits for its
    // listener); the other replica's as soon as its listener hears the same notification.
    assert.equal(await publicProgress(writer, planId, activity.id), progress);
    let seen;
    for (let i = 0; i < 100 && (seen = await publicProgress(reader, planId, activity.id)) !== progress; i++) await sleep(50);
    assert.equal(seen, progress, 'the other replica stopped serving the old list');
  }
});

test('a replica killed with SIGKILL under load loses no committed submission, and the proxy routes around it', async () => {
  const planId = await seedPlanId();
  const plan = await api('GET', `/api/v1/plans/${planId}`, { base: PROXY });
  const axis = plan.json.axes[0].id;
  const run = randomUUID();
  const acknowledged = new Map(); // Idempotency-Key -> observation id
  const failures = { network: 0, status: {} };
  const servedBy = [];
  let stop = false;
  let killedAt = null;

  // Each worker submits as a citizen of its own per submission (the hourly limit is per
  // citizen) with an Idempotency-Key, and on a failure sends the same submission again,
  // as the portal does: at most once, whatever replica answers.
  async function worker(w) {
    for (let n = 0; !stop; n++) {
      const key = `${run}-${w}-${n}`;
      const token = tokenFor('ciudadanos', { sub: `soak-${key}` });
      for (let attempt = 0; ; attempt++) {
        assert.ok(attempt < 100, `submission ${key} never acknowledged`);
        let r;
        try {
          r = await api('POST', `/api/v1/axes/${axis}/observations`, {
            base: PROXY, token, headers: { 'idempotency-key': key },
            body: { kind: 'observation', body: `Envío ${key}` },
          });
        } catch {
          failures.network++;
          await sleep(50);
          continue;
        }
        if (r.status === 201) {
          if (acknowledged.has(key)) assert.equal(acknowledged.get(key), r.json.id, 'a repeated key answers the first id');
          acknowledged.set(key, r.json.id);
          servedBy.push({ at: Date.now(), replica: r.headers.get('x-replica') });
          break;
        }
        failures.status[r.status] = (failures.status[r.status] ?? 0) + 1;
        assert.ok([502, 503, 504].includes(r.status), `${r.status}: ${r.text}`);
        await sleep(50);
      }
    }
  }

  const workers = Array.from({ length: 8 }, (_, w) => worker(w));
  await sleep(1500);
  process.kill(Number(process.env.REPLICA1_PID), 'SIGKILL');
  killedAt = Date.now();
  await sleep(3000);
  stop = true;
  await Promise.all(workers);

  const before = servedBy.filter((s) => s.at < killedAt);
  const after = servedBy.filter((s) => s.at > killedAt + 1500);
  console.log(`${acknowledged.size} submissions acknowledged (${before.length} before the kill); ` +
    `retried after: ${failures.network} network errors, statuses ${JSON.stringify(failures.status)}`);
  assert.ok(before.some((s) => s.replica === 'r1') && before.some((s) => s.replica === 'r2'), 'both served before');
  assert.ok(after.length > 0 && after.every((s) => s.replica === 'r2'), 'only the survivor serves after');

  // Every acknowledged submission is in the database exactly once, with the id it was given.
  const rows = sql(`SELECT body || '=' || id FROM observations WHERE body LIKE 'Envío ${run}-%' ORDER BY id`)
    .split('\n').filter(Boolean);
  const stored = new Map(rows.map((l) => {
    const [body, id] = l.split('=');
    return [body.slice('Envío '.length), Number(id)];
  }));
  assert.equal(stored.size, rows.length, 'no submission stored twice');
  for (const [key, id] of acknowledged) assert.equal(stored.get(key), id, `acknowledged ${key} is stored`);
  // A submission whose answer was lost with the replica is stored once and acknowledged on retry.
  assert.equal(stored.size, acknowledged.size);

  // The proxy routes around the dead replica: every request now succeeds, on r2.
  for (let i = 0; i < 20; i++) {
    const r = await api('GET', `/api/v1/plans/${planId}`, { base: PROXY });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-replica'), 'r2');
  }
});
