// The service behind PgBouncer 1.18 in transaction mode (run by `make test-pgbouncer`,
// tests/integration/run.sh with PGBOUNCER=1). A PgBouncer of this file's own with ONE
// server connection makes the prepared-statement trap deterministic: a statement
// prepared by one service connection already exists (42P05) when another prepares it,
// and is missing (26000) once that server connection is replaced. PostgreSQL's own log
// shows that each case happened; the answers show the service coped with it
// (service/db/session.c). The settings (TIME_ZONE, ANSWER_DAYS, timeouts) must apply to
// every statement and stay on no server connection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { api, tokenFor, seedPlanId, freePort, seedDocument } from '../integration/lib.mjs';
import { startInstance, stopInstance } from '../faults/instance.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const SERVER_LOG = join(process.env.PGDATA_DIR, 'server.log');
const admin = tokenFor('administradora', { sub: 'pooler-admin' });
let dir;
let bouncerUrl;
let bouncerPort;
const instances = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rendicion-pgb-'));
  bouncerPort = await freePort();
  bouncerUrl = execFileSync(join(ROOT, 'scripts/pgbouncer.sh'),
    ['start', join(dir, 'b'), String(bouncerPort), process.env.PG_PORT, '1'], { encoding: 'utf8' }).trim();
});

after(async () => {
  for (const inst of instances) await stopInstance(inst);
  execFileSync(join(ROOT, 'scripts/pgbouncer.sh'), ['stop', join(dir, 'b')]);
  rmSync(dir, { recursive: true, force: true });
});

/** A service instance whose request pool (one connection) goes through this file's PgBouncer. */
async function pooled(env = {}) {
  const inst = await startInstance({
    DATABASE_URL: bouncerUrl, LISTEN_DATABASE_URL: process.env.DATABASE_URL,
    DB_POOL_MODE: 'transaction', DB_POOL_SIZE: '1', ...env,
  });
  instances.push(inst);
  return inst;
}

/** What PostgreSQL logs from now on: call the returned function to read it. */
function logFromHere() {
  const start = statSync(SERVER_LOG).size;
  return () => readFileSync(SERVER_LOG).subarray(start).toString('utf8');
}

function psql(url, query) {
  return execFileSync('psql', [url, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-c', query],
    { encoding: 'utf8' }).trim();
}

function serverPids() {
  const admin = `postgresql://postgres@127.0.0.1:${bouncerPort}/pgbouncer`;
  const [header, ...rows] = execFileSync('psql', [admin, '-X', '-A', '-q', '-c', 'SHOW SERVERS'], { encoding: 'utf8' })
    .split('\n').filter((l) => l.includes('|'));
  const col = header.split('|').indexOf('remote_pid');
  assert.ok(col >= 0, 'SHOW SERVERS has remote_pid');
  return rows.map((l) => l.split('|')[col]);
}

/** Ends PgBouncer's server connections from the PostgreSQL side and waits until PgBouncer
 * has let them go (it opens new ones on demand); their pids. */
async function replaceServerConnections() {
  const pids = serverPids();
  assert.ok(pids.length >= 1, 'PgBouncer holds a server connection');
  psql(process.env.DATABASE_URL, `SELECT pg_terminate_backend(pid) FROM unnest('{${pids.join(',')}}'::int[]) pid`);
  for (let i = 0; i < 100 && serverPids().some((p) => pids.includes(p)); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(!serverPids().some((p) => pids.includes(p)), 'PgBouncer dropped the ended server connections');
  return pids;
}

test('a prepared statement missing on the server connection (26000) is prepared again; one already there (42P05) is used', async () => {
  const id = await seedPlanId();
  const a = await pooled();
  const first = await api('GET', `/api/v1/plans/${id}`, { base: a.base, token: admin });
  assert.equal(first.status, 200, first.text);

  // The one server connection is replaced: instance A's connection believes the statement
  // is prepared, and the new server session has never seen it.
  await replaceServerConnections();
  let log = logFromHere();
  const again = await api('GET', `/api/v1/plans/${id}`, { base: a.base, token: admin });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.text, first.text);
  assert.match(log(), /prepared statement "db_plan_get_[0-9a-f]{8}" does not exist/);
  await replaceServerConnections();

  // A prepares it on the new server connection; B, a fresh service connection, then finds
  // it there when it prepares it in turn.
  assert.equal((await api('GET', `/api/v1/plans/${id}`, { base: a.base, token: admin })).status, 200);
  const b = await pooled();
  log = logFromHere();
  const fromB = await api('GET', `/api/v1/plans/${id}`, { base: b.base, token: admin });
  assert.equal(fromB.status, 200, fromB.text);
  assert.equal(fromB.text, first.text);
  assert.match(log(), /prepared statement "db_plan_get_[0-9a-f]{8}" already exists/);

  // Writes and their errors come through as well: a 201, then a 409 raised in SQL.
  const doc = { ...seedDocument(), title: `Plan tras PgBouncer ${randomUUID()}` };
  const created = await api('POST', '/api/v1/plans/import', { base: b.base, token: admin, body: doc });
  assert.equal(created.status, 201, created.text);
  const twice = await api('POST', '/api/v1/plans/import', { base: a.base, token: admin, body: doc });
  assert.equal(twice.status, 409, twice.text);
});

test('TIME_ZONE and ANSWER_DAYS apply to every statement through the pooler, and stay on no server connection', async () => {
  // Kiritimati (UTC+14) is a day ahead of UTC for most of the day; PostgreSQL's is UTC.
  const zone = 'Pacific/Kiritimati';
  const inst = await pooled({ TIME_ZONE: zone, ANSWER_DAYS: '7' });
  const id = await seedPlanId();
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const comp = await api('GET', `/api/v1/plans/${id}/compliance`, { base: inst.base, token: admin });
  assert.equal(comp.status, 200, comp.text);
  assert.equal(comp.json.as_of, today);

  const plan = await api('GET', `/api/v1/plans/${id}`, { base: inst.base });
  const axis = plan.json.axes[0].id;
  const citizen = tokenFor('ciudadanos', { sub: `pooler-${randomUUID()}` });
  const o = await api('POST', `/api/v1/axes/${axis}/observations`,
    { base: inst.base, token: citizen, body: { kind: 'observation', body: 'Enviada a través de PgBouncer' } });
  assert.equal(o.status, 201, o.text);
  assert.equal(Date.parse(o.json.answer_due) - Date.parse(o.json.created_at), 7 * 86400 * 1000);

  // The server connection those statements ran on, as the next client of the pooler sees it.
  const seen = psql(bouncerUrl, "SELECT current_setting('TimeZone') || ' ' || current_setting('statement_timeout') || ' ' || " +
    "coalesce(nullif(current_setting('rendicion.answer_days', true), ''), 'unset') || ' ' || current_setting('jit')");
  assert.equal(seen, 'UTC 0 unset on');
});
