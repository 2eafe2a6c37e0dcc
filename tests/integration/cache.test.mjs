// The response cache of anonymous GETs stays coherent across instances: a change
// committed through one instance is never served stale by another for more than 100 ms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
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

test('reads with a token are never answered from the public cache', async () => {
  const id = await importedPlan('Plan cache C');
  await get(BASE, `/api/v1/plans/${id}/document`);
  sql(`SET session_replication_role = replica; UPDATE plans SET title = 'seen by staff' WHERE id = ${id}`);
  const staff = await api('GET', `/api/v1/plans/${id}/document`, { token: tokenFor('directores', { unit_id: 1 }) });
  assert.equal(staff.json.title, 'seen by staff');
});
