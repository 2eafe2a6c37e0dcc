// The operator's path (README, Operating): strict command lines, versions, migrate --status
// and --dry-run, a database ahead of the binary refused, the administration's time zone,
// and a backup restored into an empty database serving the same data. Each scenario uses
// databases of its own on the suite's PostgreSQL (dropped at the end) and, where it
// serves, instances of its own.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, assertProblem, freePort, seedDocument, sql, tokenFor } from './lib.mjs';
import { startInstance, stopInstance } from '../faults/instance.mjs';

const admin = tokenFor('administradora', { sub: 'ops-admin' });
const created = [];

/** A new empty database on the suite's server; its URL. Dropped after the file. */
function newDatabase(what) {
  const name = `rendicion_ops_${process.pid}_${what}`;
  sql(`CREATE DATABASE ${name}`);
  created.push(name);
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

after(() => {
  for (const name of created) sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

/** Runs the binary; env entries set to undefined are removed from its environment. */
function rendicion(args, { env = {}, input = '' } = {}) {
  const e = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete e[k];
  const r = spawnSync(process.env.BINARY, args, { env: e, input, encoding: 'utf8', timeout: 60000 });
  assert.doesNotMatch(r.stderr ?? '', /AddressSanitizer|LeakSanitizer|runtime error:/);
  return r;
}

function psqlAt(url, query) {
  return execFileSync('psql', [url, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-c', query],
    { encoding: 'utf8' }).replace(/\n$/, '');
}

// ---- command lines ---------------------------------------------------------------------

test('every command refuses unknown options and extra arguments: its usage line, exit 2, before any configuration', () => {
  const cases = [
    [[], /^usage: rendicion serve$/m],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['serve', '--port', '9'], /^usage: rendicion serve$/m],
    [['seed', 'again'], /^usage: rendicion seed$/m],
    [['migrate', '--stat'], /^usage: rendicion migrate \[--status \| --dry-run\]$/m],
    [['migrate', '--status', '--dry-run'], /^usage: rendicion migrate /m],
    [['migrate', 'now'], /^usage: rendicion migrate /m],
    [['token', '--sub', 'a', '--role', 'administradora', '--scope', 'all'], /^usage: rendicion token /m],
    [['token', '--sub', 'a', '--role', 'administradora', 'extra'], /^usage: rendicion token /m],
    [['user', 'add', '--email', 'a@example.ec', '--role', 'administradora', 'extra'], /^usage: rendicion user add /m],
    [['user', 'delete', '--email', 'a@example.ec'], /^usage: rendicion user add /m],
    [['version', '--short'], /^usage: rendicion version/m],
  ];
  for (const [args, usage] of cases) {
    // No DATABASE_URL and no JWT_SECRET: the arguments are refused before they are needed.
    const r = rendicion(args, { env: { DATABASE_URL: undefined, JWT_SECRET: undefined } });
    assert.equal(r.status, 2, `rendicion ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, usage, `rendicion ${args.join(' ')}`);
    assert.equal(r.stdout, '', `rendicion ${args.join(' ')} prints nothing on stdout`);
  }
});

test('--version and version print the version and schema that /health and /metrics give', async () => {
  const a = rendicion(['--version']);
  const b = rendicion(['version'], { env: { DATABASE_URL: undefined } });
  assert.equal(a.status, 0);
  assert.equal(b.stdout, a.stdout);
  const m = /^rendicion (\S+) \(schema (\d+)\)\n$/.exec(a.stdout);
  assert.ok(m, a.stdout);
  const health = await api('GET', '/health');
  assert.equal(health.status, 200);
  assert.deepEqual(health.json, { status: 'ok', version: m[1], schema: Number(m[2]) });
  const metrics = await api('GET', '/metrics');
  assert.match(metrics.text, new RegExp(`^rendicion_build_info\\{version="${m[1].replace(/[.+]/g, '\\$&')}",schema="${m[2]}"\\} 1$`, 'm'));
});

test('a bad TIME_ZONE stops the program with one line naming it', () => {
  for (const tz of ['Mars/Olympus_Mons', 'America/../../etc/passwd', 'UTC-5 x', '/etc/localtime']) {
    const r = rendicion(['token', '--sub', 'a', '--role', 'administradora'], { env: { TIME_ZONE: tz } });
    assert.equal(r.status, 1, tz);
    assert.match(r.stderr, /^rendicion: configuration error: TIME_ZONE .*\n$/, tz);
  }
  assert.equal(rendicion(['token', '--sub', 'a', '--role', 'administradora'], { env: { TIME_ZONE: 'Europe/Madrid' } }).status, 0);
});

// ---- migrate --status, --dry-run, and a database ahead of the binary -------------------

test('migrate --status and --dry-run change nothing; --status exits 1 while something is pending, 0 once migrated', () => {
  const db = newDatabase('fresh');
  const env = { DATABASE_URL: db.url };
  const pending = rendicion(['migrate', '--status'], { env });
  assert.equal(pending.status, 1, pending.stderr);
  assert.match(pending.stdout, /^pending +001_schema\.sql$/m);
  assert.match(pending.stdout, /^\d+ pending/m);
  assert.equal(psqlAt(db.url, "SELECT to_regclass('schema_migrations') IS NULL"), 't', '--status created nothing');

  const dry = rendicion(['migrate', '--dry-run'], { env });
  assert.equal(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /^would apply 001_schema\.sql$/m);
  assert.match(dry.stdout, /nothing changed/);
  assert.equal(psqlAt(db.url, "SELECT to_regclass('schema_migrations') IS NULL AND to_regclass('plans') IS NULL"), 't',
    '--dry-run created nothing');

  assert.equal(rendicion(['migrate'], { env }).status, 0);
  const done = rendicion(['migrate', '--status'], { env });
  assert.equal(done.status, 0, done.stdout + done.stderr);
  assert.match(done.stdout, /^applied +001_schema\.sql +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/m);
  assert.match(done.stdout, /^up to date \(schema \d+\)$/m);
  assert.doesNotMatch(done.stdout, /^pending/m);
  assert.equal(rendicion(['migrate', '--dry-run'], { env }).status, 0);

  // The suite's own database is up to date too.
  assert.equal(rendicion(['migrate', '--status']).status, 0);
});

test("a database holding a migration the binary does not know is refused by migrate and serve; release 1's rows are known", async () => {
  const db = newDatabase('ahead');
  const env = { DATABASE_URL: db.url };
  assert.equal(rendicion(['migrate'], { env }).status, 0);
  // Release 1's files that this release retired stay recorded after an upgrade.
  psqlAt(db.url, "INSERT INTO schema_migrations (name, sha256) VALUES ('002_audit.sql', 'r1'), "
    + "('003_plans.sql', 'r1'), ('004_structure.sql', 'r1')");
  assert.equal(rendicion(['migrate', '--status'], { env }).status, 0);
  assert.equal(rendicion(['migrate'], { env }).status, 0);

  psqlAt(db.url, "INSERT INTO schema_migrations (name, sha256) VALUES ('099_from_the_future.sql', 'x')");
  const fingerprint = psqlAt(db.url, 'SELECT count(*) FROM schema_migrations');
  for (const args of [['migrate'], ['migrate', '--dry-run'], ['migrate', '--status']]) {
    const r = rendicion(args, { env });
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^rendicion: the database holds migration 099_from_the_future\.sql, which this binary .* does not know.*\n$/);
  }
  assert.match(rendicion(['migrate', '--status'], { env }).stdout, /^UNKNOWN +099_from_the_future\.sql/m);
  const port = await freePort();
  const serve = rendicion(['serve'], { env: { ...env, PORT: String(port) } });
  assert.equal(serve.status, 1, serve.stderr);
  assert.match(serve.stderr, /099_from_the_future\.sql/);
  assert.equal(psqlAt(db.url, 'SELECT count(*) FROM schema_migrations'), fingerprint, 'nothing was applied');
});

// ---- the administration's day --------------------------------------------------------

/** A plan of 2026, approved, with one activity due in November and one in December. */
function clockPlan() {
  const seed = seedDocument();
  const axis = seed.axes[0];
  const activity = (number, month) => ({ ...axis.activities[0], number, due_month: month, status: 'pending', progress: 0 });
  return {
    ...seed,
    title: `Plan del reloj ${process.pid}`,
    year: 2026,
    axes: [{ ...axis, activities: [activity(1, 11), activity(2, 12)] }],
  };
}

/** Serves db as if it were `now` in `zone`; returns [overdue flags by due month, compliance]. */
async function seenAt(db, planId, now, zone) {
  psqlAt(db.url, `ALTER DATABASE ${db.name} SET rendicion.now = '${now}'`);
  const inst = await startInstance({ DATABASE_URL: db.url, TIME_ZONE: zone });
  try {
    const base = inst.base;
    const acts = await api('GET', `/api/v1/plans/${planId}/activities`, { base, token: admin });
    assert.equal(acts.status, 200, acts.text);
    const flags = Object.fromEntries(acts.json.items.map((a) => [a.due_month, a.overdue]));
    assert.ok(acts.json.items.every((a) => /Z$/.test(a.updated_at)), 'times stay UTC');
    const comp = await api('GET', `/api/v1/plans/${planId}/compliance`, { base });
    assert.equal(comp.status, 200, comp.text);
    return [flags, comp.json];
  } finally {
    await stopInstance(inst);
  }
}

test('a December activity is not overdue at 23:30 on 31 December in Quito, and is 30 s after midnight', async () => {
  const db = newDatabase('clock');
  assert.equal(rendicion(['migrate'], { env: { DATABASE_URL: db.url } }).status, 0);
  const inst = await startInstance({ DATABASE_URL: db.url });
  let planId;
  try {
    const r = await api('POST', '/api/v1/plans/import', { base: inst.base, token: admin, body: clockPlan() });
    assert.equal(r.status, 201, r.text);
    planId = r.json.id;
    assert.match(r.json.created_at, /Z$/);
  } finally {
    await stopInstance(inst);
  }

  // 04:30 UTC on 1 January: still 31 December in Quito.
  let [flags, comp] = await seenAt(db, planId, '2026-12-31T23:30:00-05:00', 'America/Guayaquil');
  assert.deepEqual(flags, { 11: true, 12: false });
  assert.equal(comp.as_of, '2026-12-31');
  assert.equal(comp.totals.overdue, 1);

  [flags, comp] = await seenAt(db, planId, '2027-01-01T00:00:30-05:00', 'America/Guayaquil');
  assert.deepEqual(flags, { 11: true, 12: true });
  assert.equal(comp.as_of, '2027-01-01');
  assert.equal(comp.totals.overdue, 2);

  // The zone decides: at the same instant, UTC's day has already turned.
  [flags, comp] = await seenAt(db, planId, '2026-12-31T23:30:00-05:00', 'UTC');
  assert.deepEqual(flags, { 11: true, 12: true });
  assert.equal(comp.as_of, '2027-01-01');
});

// ---- backups ---------------------------------------------------------------------------

/** Every page of the audit log, as the administradora reads it. */
async function auditLog(base) {
  const items = [];
  let cursor = null;
  do {
    const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const r = await api('GET', `/api/v1/audit?limit=200${q}`, { base, token: admin });
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    cursor = r.json.next_cursor;
  } while (cursor);
  return items;
}

/** What the administration's legal record is made of, as the service serves it. */
async function record(base) {
  const plans = await api('GET', '/api/v1/plans?limit=200', { base, token: admin });
  assert.equal(plans.status, 200);
  const documents = {};
  const updates = {};
  for (const p of plans.json.items) {
    const doc = await api('GET', `/api/v1/plans/${p.id}/document`, { base, token: admin });
    assert.equal(doc.status, 200);
    documents[p.id] = doc.text;
    const acts = await api('GET', `/api/v1/plans/${p.id}/activities?limit=200`, { base, token: admin });
    for (const a of acts.json.items) {
      const u = await api('GET', `/api/v1/activities/${a.id}/updates`, { base, token: admin });
      updates[a.id] = u.text;
    }
  }
  const users = await api('GET', '/api/v1/users?limit=200', { base, token: admin });
  return { plans: plans.text, documents, updates, users: users.text, audit: await auditLog(base) };
}

test('a backup (pg_dump -Fc) restored into an empty database (pg_restore) serves the same plans, history, audit log and logins', async () => {
  const from = newDatabase('live');
  const env = { DATABASE_URL: from.url };
  assert.equal(rendicion(['migrate'], { env }).status, 0);
  assert.equal(rendicion(['seed'], { env }).status, 0);
  const email = `respaldo-${process.pid}@example.ec`;
  const password = 'una clave de respaldo larga';
  const add = rendicion(['user', 'add', '--email', email, '--role', 'administradora', '--name', 'Respaldo'],
    { env, input: `${password}\n` });
  assert.equal(add.status, 0, add.stderr);

  // History: progress reported, an observation received and answered, a unit renamed.
  let inst = await startInstance(env);
  let before;
  try {
    const base = inst.base;
    const plan = (await api('GET', '/api/v1/plans', { base })).json.items[0];
    const act = (await api('GET', `/api/v1/plans/${plan.id}/activities`, { base })).json.items[0];
    for (const progress of [20, 45]) {
      const u = await api('POST', `/api/v1/activities/${act.id}/updates`, {
        base, token: admin, body: { progress, note: `Avance al ${progress} %` },
      });
      assert.equal(u.status, 201, u.text);
    }
    const axis = (await api('GET', `/api/v1/plans/${plan.id}`, { base })).json.axes[0];
    const citizen = tokenFor('ciudadanos', { sub: 'ops-citizen' });
    const obs = await api('POST', `/api/v1/axes/${axis.id}/observations`, {
      base, token: citizen, body: { kind: 'observation', body: 'Que se publiquen las actas.' },
    });
    assert.equal(obs.status, 201, obs.text);
    const review = await api('PATCH', `/api/v1/observations/${obs.json.id}`, {
      base, token: admin, body: { status: 'in_review' },
    });
    assert.equal(review.status, 200, review.text);
    const unit = (await api('GET', '/api/v1/units?limit=1', { base })).json.items[0];
    const renamed = await api('PATCH', `/api/v1/units/${unit.id}`, { base, token: admin, body: { name: `${unit.name} (renombrada)` } });
    assert.equal(renamed.status, 200, renamed.text);
    before = await record(base);
    assert.ok(before.audit.length > 10, 'the audit log has the history');
  } finally {
    await stopInstance(inst);
  }

  // The documented procedure (README, Operating): dump, then restore into an empty database.
  const dir = mkdtempSync(join(tmpdir(), 'rendicion-backup-'));
  const file = join(dir, 'rendicion.dump');
  try {
    execFileSync('pg_dump', ['--format=custom', '--file', file, from.url], { stdio: ['ignore', 'ignore', 'pipe'] });
    const to = newDatabase('restored');
    execFileSync('pg_restore', ['--exit-on-error', '--no-owner', '--dbname', to.url, file], { stdio: ['ignore', 'ignore', 'pipe'] });

    const status = rendicion(['migrate', '--status'], { env: { DATABASE_URL: to.url } });
    assert.equal(status.status, 0, status.stdout + status.stderr);
    inst = await startInstance({ DATABASE_URL: to.url });
    try {
      const after = await record(inst.base);
      assert.deepEqual(after, before);
      const login = await api('POST', '/api/v1/auth/token', { base: inst.base, body: { email, password } });
      assert.equal(login.status, 200, login.text);
      const wrong = await api('POST', '/api/v1/auth/token', { base: inst.base, body: { email, password: 'otra clave cualquiera' } });
      assertProblem(wrong, 401, 'bad_credentials');
      // The restored database takes new changes, audited after the restored ones.
      const unit = await api('POST', '/api/v1/units', { base: inst.base, token: admin, body: { name: `Unidad restaurada ${process.pid}` } });
      assert.equal(unit.status, 201, unit.text);
      const log = await auditLog(inst.base);
      assert.equal(log.length, before.audit.length + 1);
      assert.ok(log[0].id > before.audit[0].id);
    } finally {
      await stopInstance(inst);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
