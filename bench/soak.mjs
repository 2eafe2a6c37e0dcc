// The soak's traffic and its table (bench/soak.sh starts the topology and runs this).
// An open loop at SOAK_RATE requests per second through the proxy, for SOAK_SECONDS:
// public reads (lists, a plan's document, activities, compliance), signed-in reads (a
// citizen's own observations, staff reading a plan), citizens' submissions (each with an
// Idempotency-Key; 200 citizens, so the hourly limit gives the 429s it is meant to),
// progress reports by the administradora, and logins of an account. Every WINDOW seconds
// it samples each replica's RSS and open descriptors and PostgreSQL's connections, and
// keeps each window's latencies. It prints one table; exit 1 on any error other than an
// intended 429 (the other figures are printed against their targets, not asserted: they
// depend on what else the machine runs).
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const env = process.env;
const PROXY = env.PROXY_URL;
const SECONDS = Number(env.SOAK_SECONDS);
const WINDOW = Number(env.SOAK_WINDOW);
const RATE = Number(env.SOAK_RATE);
const MAX_IN_FLIGHT = 256;
const replicas = [['r1', Number(env.REPLICA1_PID)], ['r2', Number(env.REPLICA2_PID)]];

function token(sub, role) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, role, iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE, iat: now, exp: now + 7200 })}`;
  return `${body}.${createHmac('sha256', env.JWT_SECRET).update(body).digest('base64url')}`;
}
const admin = token('soak-admin', 'administradora');
const citizens = Array.from({ length: 200 }, (_, i) => token(`soak-citizen-${i}`, 'ciudadanos'));

async function call(method, path, { auth, body, headers = {} } = {}) {
  const h = { ...headers };
  if (auth) h.authorization = `Bearer ${auth}`;
  if (body !== undefined) h['content-type'] = 'application/json';
  const res = await fetch(PROXY + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text };
}

const planId = Number(env.SOAK_PLAN_ID);
const plan = JSON.parse((await call('GET', `/api/v1/plans/${planId}`)).text);
const axes = plan.axes.map((a) => a.id);
const acts = JSON.parse((await call('GET', `/api/v1/plans/${planId}/activities?limit=50`)).text).items.map((a) => a.id);
const pick = (a) => a[Math.floor(Math.random() * a.length)];

// [weight, name, request]
const mix = [
  [45, 'public read', () => call('GET', pick([`/api/v1/plans`, `/api/v1/plans/${planId}`, `/api/v1/plans/${planId}/document`,
    `/api/v1/plans/${planId}/activities?limit=50`, `/api/v1/plans/${planId}/compliance`]))],
  [25, 'signed-in read', () => (Math.random() < 0.5
    ? call('GET', '/api/v1/me/observations', { auth: pick(citizens) })
    : call('GET', pick([`/api/v1/plans/${planId}`, `/api/v1/plans/${planId}/activities?limit=50`]), { auth: admin }))],
  [14, 'submission', () => call('POST', `/api/v1/axes/${pick(axes)}/observations`, {
    auth: pick(citizens), headers: { 'idempotency-key': randomUUID() },
    body: { kind: 'observation', body: `Observación del soak ${randomUUID()}` } })],
  [14, 'progress report', () => call('POST', `/api/v1/activities/${pick(acts)}/updates`, {
    auth: admin, body: { progress: Math.floor(Math.random() * 100), note: 'Avance del soak' } })],
  // Ten accounts: the login throttle counts attempts in flight per account and address,
  // and one account signing in more than five times at once is not what it is for.
  [2, 'login', () => call('POST', '/api/v1/auth/token', { body: { email: pick(env.SOAK_EMAILS.split(' ')), password: env.SOAK_PASSWORD } })],
];
const total = mix.reduce((s, m) => s + m[0], 0);
function choose() {
  let r = Math.random() * total;
  for (const m of mix) if ((r -= m[0]) < 0) return m;
  return mix[0];
}

const counts = Object.fromEntries(mix.map((m) => [m[1], { n: 0, errors: 0, limited: 0 }]));
const errorSamples = [];
let inFlight = 0;
let shed = 0;
let windowLatencies = [];
const windows = [];

function sample() {
  const out = {};
  for (const [name, pid] of replicas) {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    // Sockets come and go with the proxy's keep-alive connections; any other descriptor
    // (files, pipes, eventfds) that grows is a leak.
    const fds = readdirSync(`/proc/${pid}/fd`).map((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    });
    const sockets = fds.filter((l) => l.startsWith('socket:')).length;
    out[name] = { rss: Number(status.match(/VmRSS:\s+(\d+)/)[1]), fds: fds.length - sockets, sockets };
  }
  out.pg = Number(execFileSync('psql', [env.DATABASE_URL, '-XAtqc',
    "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"], { encoding: 'utf8' }).trim());
  return out;
}

function p99(lat) {
  if (!lat.length) return NaN;
  const s = [...lat].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
}

function launch() {
  if (inFlight >= MAX_IN_FLIGHT) {
    shed++;
    return;
  }
  const [, name, fn] = choose();
  const c = counts[name];
  const t0 = performance.now();
  inFlight++;
  c.n++;
  fn().then((r) => {
    windowLatencies.push(performance.now() - t0);
    if (r.status === 429 && (name === 'submission')) c.limited++;
    else if (r.status >= 400) {
      c.errors++;
      if (errorSamples.length < 5) errorSamples.push(`${name}: ${r.status} ${r.text.slice(0, 160)}`);
    }
  }, (e) => {
    c.errors++;
    if (errorSamples.length < 5) errorSamples.push(`${name}: ${e.cause?.code ?? e.message}`);
  }).finally(() => { inFlight--; });
}

// RSS moves with the requests in flight (a PDF, a burst of connections): each window keeps
// the lowest of its once-a-second readings, what the process holds between bursts.
let floors = {};
const rssReader = setInterval(() => {
  for (const [name, pid] of replicas) {
    const kb = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
    floors[name] = Math.min(floors[name] ?? Infinity, kb);
  }
}, 1000);

const start = performance.now();
let launched = 0;
await new Promise((done) => {
  const tick = setInterval(() => {
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= SECONDS) {
      clearInterval(tick);
      done();
      return;
    }
    for (const due = Math.floor(elapsed * RATE); launched < due; launched++) launch();
  }, 10);
  const sampler = setInterval(() => {
    const w = { at: Math.round((performance.now() - start) / 1000), p99: p99(windowLatencies), n: windowLatencies.length, ...sample() };
    for (const [name] of replicas) w[name].rss = Math.min(w[name].rss, floors[name] ?? Infinity);
    windows.push(w);
    windowLatencies = [];
    floors = {};
    if ((performance.now() - start) / 1000 >= SECONDS - 0.5) clearInterval(sampler);
  }, WINDOW * 1000);
});
while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
clearInterval(rssReader);
// Idle again: what stays allocated once the backlog is gone.
await new Promise((r) => setTimeout(r, 2000));
const idle = sample();

// ---- the table ------------------------------------------------------------------------
const first = windows[0];
const last = windows[windows.length - 1];
const pct = (a, b) => `${(((b - a) / a) * 100).toFixed(1)}%`;
const rows = [];
const row = (what, a, b, change, target, ok) => rows.push([what, String(a), String(b), change, target, ok ? 'ok' : 'MISSED']);
const errors = Object.values(counts).reduce((s, c) => s + c.errors, 0);
for (const [name, c] of Object.entries(counts)) {
  row(`${name}: requests, errors, 429`, c.n, `${c.errors} err`, `${c.limited} x 429`, '0 errors', c.errors === 0);
}
row('p99 ms (first, last window)', first.p99.toFixed(1), last.p99.toFixed(1), `${(last.p99 / first.p99).toFixed(2)}x`, '<= 1.5x', last.p99 <= 1.5 * first.p99);
for (const [name] of replicas) {
  row(`${name} RSS KB (first window's floor, idle at end)`, first[name].rss, idle[name].rss, pct(first[name].rss, idle[name].rss), '< 10%', idle[name].rss < 1.1 * first[name].rss);
  row(`${name} descriptors other than sockets`, first[name].fds, last[name].fds, `${last[name].fds - first[name].fds >= 0 ? '+' : ''}${last[name].fds - first[name].fds}`, 'no growth', last[name].fds <= first[name].fds);
  row(`${name} sockets (clients, PgBouncer, LISTEN)`, first[name].sockets, last[name].sockets, `${last[name].sockets - first[name].sockets >= 0 ? '+' : ''}${last[name].sockets - first[name].sockets}`, 'bounded', last[name].sockets <= 2 * MAX_IN_FLIGHT);
}
row('PostgreSQL client connections (idle at end)', first.pg, idle.pg, `${idle.pg - first.pg >= 0 ? '+' : ''}${idle.pg - first.pg}`, 'no growth', idle.pg <= first.pg);

const sent = Object.values(counts).reduce((s, c) => s + c.n, 0);
console.log(`soak: load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} at the end; ${SECONDS} s at ${RATE} req/s through HAProxy to 2 replicas through PgBouncer; ` +
  `${sent} requests, ${shed} not sent (over ${MAX_IN_FLIGHT} in flight), windows of ${WINDOW} s (${windows.length})`);
const widths = [0, 1, 2, 3, 4, 5].map((i) => Math.max(...[['measure', 'first', 'last', 'change', 'target', ''], ...rows].map((r) => r[i].length)));
const line = (r) => r.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
console.log(line(['measure', 'first', 'last', 'change', 'target', '']));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log(`per window: ${windows.map((w) => `${w.at}s p99 ${w.p99.toFixed(0)} ms, n ${w.n}, RSS ${w.r1.rss}/${w.r2.rss} KB, sockets ${w.r1.sockets}/${w.r2.sockets}`).join('; ')}`);
for (const e of errorSamples) console.log(`error: ${e}`);
process.exit(errors === 0 ? 0 : 1);
