// The response cache of anonymous GETs stays coherent across instances: a change
// committed through one instance is never served stale by another for more than 100 ms.
// A change retires only what it can alter for the public (service/core/change.c): the
// plan it belongs to, lists of plans, and what shows units when a unit changes; a change
// the public cannot see (a received observation) retires nothing. Concurrent misses on one
// request are rendered once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { BASE, api, tokenFor, seedDocument, sql, freePort } from './lib.mjs';

let second; // the other instance: same database, its own cache
let secondBase;

async function get(base, path, headers = {}) {
  const res = await fetch(base + path, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
}

before(async () => {
  const port = await freePort();
  secondBase = `http://127.0.0.1:${port}`;
  second = spawn(process.env.BINARY, ['serve'], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${secondBase}/ready`)).status === 200) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('second instance did not start');
});

after(async () => {
  second.kill('SIGTERM');
  await new Promise((r) => second.once('exit', r));
});

async function importedPlan(title) {
  const doc = { ...seedDocument(), title };
  const r = await api('POST', '/api/v1/plans/import', { token: tokenFor('administradora'), body: doc });
  assert.equal(r.status, 201);
  return r.json.id;
}

test('a public read is served from the cache until a change is committed', async () => {
  const id = await importedPlan('Plan cache A');
  const first = await get(BASE, `/api/v1/plans/${id}`);
  assert.equal(first.json.title, 'Plan cache A');
  // A change that bypasses the triggers (so no NOTIFY): the cached body is still served.
  sql(`SET session_replication_role = replica; UPDATE plans SET title = 'changed behind' WHERE id = ${id}`);
  const cached = await get(BASE, `/api/v1/plans/${id}`);
  assert.equal(cached.json.title, 'Plan cache A');
  assert.equal(cached.headers.get('etag'), first.headers.get('etag'));
  // An If-None-Match hit is answered from the cache too.
  const notModified = await get(BASE, `/api/v1/plans/${id}`, { 'if-none-match': first.headers.get('etag') });
  assert.equal(notModified.status, 304);
});

test('If-None-Match: * on an anonymous GET not yet cached gets 304', async () => {
  const id = await importedPlan('Plan cache D');
  const res = await get(BASE, `/api/v1/plans/${id}`, { 'if-none-match': '*' });
  assert.equal(res.status, 304);
  assert.equal(res.json, null);
});

test('If-None-Match: * on an anonymous GET served from the cache gets 304 too', async () => {
  const id = await importedPlan('Plan cache E');
  const first = await get(BASE, `/api/v1/plans/${id}`);
  assert.equal(first.status, 200);
  // Proof that the next answers come from the cache: a change that sends no NOTIFY is not seen.
  sql(`SET session_replication_role = replica; UPDATE plans SET title = 'behind the cache' WHERE id = ${id}`);
  assert.equal((await get(BASE, `/api/v1/plans/${id}`)).json.title, 'Plan cache E');
  const res = await get(BASE, `/api/v1/plans/${id}`, { 'if-none-match': '*' });
  assert.equal(res.status, 304);
  assert.equal(res.json, null);
});

test('a change through another instance is visible here within 100 ms', async () => {
  const id = await importedPlan('Plan cache B');
  assert.equal((await get(BASE, `/api/v1/plans/${id}`)).json.status, 'approved'); // now cached here
  assert.equal((await get(BASE, `/api/v1/plans/${id}`)).json.status, 'approved');
  const res = await fetch(`${secondBase}/api/v1/plans/${id}/close`, {
    method: 'POST', headers: { authorization: `Bearer ${tokenFor('administradora')}` },
  });
  assert.equal(res.status, 200);
  const committed = Date.now();
  let seen;
  while (Date.now() - committed < 1000) {
    seen = (await get(BASE, `/api/v1/plans/${id}`)).json.status;
    if (seen === 'closed') break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const lag = Date.now() - committed;
  assert.equal(seen, 'closed');
  assert.ok(lag <= 100, `stale for ${lag} ms`);
});

test('reads with a staff token are never answered from the public cache', async () => {
  const id = await importedPlan('Plan cache C');
  await get(BASE, `/api/v1/plans/${id}/document`);
  sql(`SET session_replication_role = replica; UPDATE plans SET title = 'seen by staff' WHERE id = ${id}`);
  const staff = await api('GET', `/api/v1/plans/${id}/document`, { token: tokenFor('directores', { unit_id: 1 }) });
  assert.equal(staff.json.title, 'seen by staff');
});

// ------------------------------------------------------------ what a change retires

const ADMIN = tokenFor('administradora', { sub: 'cache-admin@example.org' });
const DIRECTOR = tokenFor('directores', { sub: 'cache-director@example.org', unit_id: 1 });

// Changes a plan's title without the triggers (no NOTIFY): an answer that still shows the
// old title comes from the cache, one that shows the new title was rendered again.
function changeBehind(id, title) {
  sql(`SET session_replication_role = replica; UPDATE plans SET title = '${title}' WHERE id = ${id}`);
}

async function imported(change = (d) => d) {
  const doc = change({ ...seedDocument(), title: `Plan caché ${randomUUID()}` });
  const r = await api('POST', '/api/v1/plans/import', { token: ADMIN, body: doc });
  assert.equal(r.status, 201, r.text);
  return { id: r.json.id, title: doc.title, axis: r.json.axes[0].id };
}

const titleOf = async (base, path) => (await get(base, path)).json.title;

async function metric(base, name) {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} missing from /metrics`);
  return Number(line.split(' ')[1]);
}

async function review(id, status) {
  const r = await api('PATCH', `/api/v1/observations/${id}`, { token: DIRECTOR, body: { status } });
  assert.equal(r.status, 200, r.text);
}

test('a received observation keeps the public document; its acceptance retires it', async () => {
  const plan = await imported();
  const doc = `/api/v1/plans/${plan.id}/document`;
  assert.equal(await titleOf(BASE, doc), plan.title);
  changeBehind(plan.id, 'Detrás de la caché F');
  const citizen = tokenFor('ciudadanos', { sub: `cache-${randomUUID()}@example.org` });
  const sent = await api('POST', `/api/v1/axes/${plan.axis}/observations`, {
    token: citizen, body: { kind: 'observation', body: 'Observación recibida, aún sin respuesta' },
  });
  assert.equal(sent.status, 201, sent.text);
  assert.equal(await titleOf(BASE, doc), plan.title);   // received: nothing public changed
  await review(sent.json.id, 'in_review');
  assert.equal(await titleOf(BASE, doc), plan.title);   // in review: still nothing public
  await review(sent.json.id, 'accepted');
  const after = await get(BASE, doc);                    // accepted: the public sees it
  assert.equal(after.json.title, 'Detrás de la caché F');
  assert.ok(after.json.axes[0].observations.some((o) => o.body === 'Observación recibida, aún sin respuesta'));
});

test('a change to a draft plan keeps the public lists of plans', async () => {
  const plan = await imported();
  const draft = await imported((d) => ({ ...d, status: 'draft', approved_by: null }));
  const list = '/api/v1/plans?limit=200';
  const titles = async () => (await get(BASE, list)).json.items.map((p) => p.title);
  assert.ok((await titles()).includes(plan.title));
  changeBehind(plan.id, 'Detrás de la caché H');
  const r = await api('PATCH', `/api/v1/plans/${draft.id}`, { token: ADMIN, body: { process: 'Borrador cambiado' } });
  assert.equal(r.status, 200, r.text);
  assert.ok((await titles()).includes(plan.title));      // a draft: the public cannot see it
});

test('a visible change to plan A retires A and keeps plan B', async () => {
  const a = await imported();
  const b = await imported();
  for (const p of [a, b]) {
    assert.equal(await titleOf(BASE, `/api/v1/plans/${p.id}/document`), p.title);
    assert.equal(await titleOf(BASE, `/api/v1/plans/${p.id}`), p.title);
    changeBehind(p.id, `Detrás ${p.id}`);
  }
  const activity = sql(`SELECT t.id FROM activities t JOIN axes x ON x.id = t.axis_id
                        WHERE x.plan_id = ${a.id} ORDER BY t.id LIMIT 1`);
  const r = await api('POST', `/api/v1/activities/${activity}/updates`, {
    token: ADMIN, body: { progress: 30, note: 'Avance visible' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(await titleOf(BASE, `/api/v1/plans/${a.id}/document`), `Detrás ${a.id}`);
  assert.equal(await titleOf(BASE, `/api/v1/plans/${a.id}`), `Detrás ${a.id}`);
  assert.equal(await titleOf(BASE, `/api/v1/plans/${b.id}/document`), b.title);
  assert.equal(await titleOf(BASE, `/api/v1/plans/${b.id}`), b.title);
});

test('a unit rename retires what shows units, in every plan, and keeps the rest', async () => {
  const unit = `Unidad caché ${randomUUID()}`;
  const withUnit = (d) => {
    const axes = structuredClone(d.axes);
    axes[0].activities[0].units = [unit];
    return { ...d, axes };
  };
  const a = await imported(withUnit);
  const b = await imported(withUnit);
  const unitId = Number(sql(`SELECT id FROM units WHERE name = '${unit}'`));
  const names = async (p) => (await get(BASE, `/api/v1/plans/${p.id}/document`)).json.axes[0].activities[0].units;
  assert.deepEqual(await names(a), [unit]);
  assert.deepEqual(await names(b), [unit]);
  assert.equal(await titleOf(BASE, `/api/v1/plans/${a.id}`), a.title);
  changeBehind(a.id, 'Detrás de la caché U');
  const renamed = `${unit} (renombrada)`;
  const r = await api('PATCH', `/api/v1/units/${unitId}`, { token: ADMIN, body: { name: renamed } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(await names(a), [renamed]);
  assert.deepEqual(await names(b), [renamed]);
  assert.equal(await titleOf(BASE, `/api/v1/plans/${a.id}`), a.title); // shows no unit
});

test('another instance keeps its entry on an invisible change and retires it on a visible one', async () => {
  const plan = await imported();
  const doc = `/api/v1/plans/${plan.id}/document`;
  assert.equal(await titleOf(BASE, doc), plan.title);
  changeBehind(plan.id, 'Detrás de la caché I');
  const citizen = tokenFor('ciudadanos', { sub: `cache-${randomUUID()}@example.org` });
  const res = await fetch(`${secondBase}/api/v1/axes/${plan.axis}/observations`, {
    method: 'POST', headers: { authorization: `Bearer ${citizen}`, 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'contribution', body: 'Aporte recibido por la otra instancia' }),
  });
  assert.equal(res.status, 201);
  const sent = { json: await res.json() };
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(await titleOf(BASE, doc), plan.title);
  const r = await fetch(`${secondBase}/api/v1/observations/${sent.json.id}`, {
    method: 'PATCH', headers: { authorization: `Bearer ${DIRECTOR}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'in_review' }),
  });
  assert.equal(r.status, 200);
  await new Promise((w) => setTimeout(w, 150));
  assert.equal(await titleOf(BASE, doc), plan.title);   // in review: still invisible
  await review(sent.json.id, 'accepted');               // through this instance
  assert.equal(await titleOf(BASE, doc), 'Detrás de la caché I');
});

// ------------------------------------------------------------ each miss rendered once

// Takes an exclusive lock on the units (which every document reads), so that a rendering
// started meanwhile waits; resolves, once the lock is held, to the function that releases
// it once a rendering is seen waiting for it, and some time after.
async function lockUnits() {
  const psql = spawn('psql', [process.env.DATABASE_URL, '-X', '-q', '-v', 'ON_ERROR_STOP=1'],
    { stdio: ['pipe', 'ignore', 'inherit'] });
  const exited = new Promise((r) => psql.once('exit', r));
  psql.stdin.write('BEGIN;\nLOCK TABLE units IN ACCESS EXCLUSIVE MODE;\n');
  const until = async (query) => {
    for (let i = 0; i < 300; i++) {
      if (sql(query) !== '0') return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`never true: ${query}`);
  };
  await until(`SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
               WHERE c.relname = 'units' AND l.mode = 'AccessExclusiveLock' AND l.granted`);
  return async (meanwhile = () => {}) => {
    await until(`SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'`);
    meanwhile();
    await new Promise((r) => setTimeout(r, 300)); // the other requests arrive and wait
    psql.stdin.end('COMMIT;\n');
    await exited;
  };
}

test('50 concurrent misses on one request cause one rendering', async () => {
  const plan = await imported();
  const doc = `/api/v1/plans/${plan.id}/document`;
  const before = {
    misses: await metric(BASE, 'cache_misses_total'),
    hits: await metric(BASE, 'cache_hits_total'),
    coalesced: await metric(BASE, 'cache_coalesced_total'),
  };
  const release = await lockUnits();
  const pending = Promise.all(Array.from({ length: 50 }, () => get(BASE, doc)));
  await release();
  const answers = await pending;
  for (const a of answers) {
    assert.equal(a.status, 200);
    assert.equal(a.json.title, plan.title);
  }
  const misses = await metric(BASE, 'cache_misses_total') - before.misses;
  const coalesced = await metric(BASE, 'cache_coalesced_total') - before.coalesced;
  const hits = await metric(BASE, 'cache_hits_total') - before.hits;
  assert.equal(misses, 1);
  assert.equal(coalesced + hits, 49);
  assert.ok(coalesced > 0, 'no request waited for the rendering');
});

test('when the rendering fails, those waiting render for themselves', async () => {
  const draft = await imported((d) => ({ ...d, status: 'draft', approved_by: null }));
  const doc = `/api/v1/plans/${draft.id}/document`;
  const misses = await metric(BASE, 'cache_misses_total');
  const release = await lockUnits();
  const pending = Promise.all(Array.from({ length: 10 }, () => get(BASE, doc)));
  await release();
  const answers = await pending;
  for (const a of answers) assert.equal(a.status, 404);
  assert.equal(await metric(BASE, 'cache_misses_total') - misses, 10);
});

test('a rendering that a change overtook answers its request but is not kept', async () => {
  const plan = await imported();
  const doc = `/api/v1/plans/${plan.id}/document`;
  const release = await lockUnits();
  const pending = get(BASE, doc);
  // Committed (and notified) while the rendering waits, after its snapshot was taken.
  await release(() => sql(`UPDATE plans SET title = 'Cambiado durante la renderización' WHERE id = ${plan.id}`));
  assert.equal((await pending).json.title, plan.title);
  assert.equal(await titleOf(BASE, doc), 'Cambiado durante la renderización');
});
