// Helpers for the black-box integration tests (Node 20, no npm dependencies).
// The environment comes from tests/integration/run.sh: BASE_URL, DATABASE_URL,
// JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE, BINARY.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

export const BASE = (process.env.BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
export const ISSUER = process.env.JWT_ISSUER || 'rendicion';
export const AUDIENCE = process.env.JWT_AUDIENCE || 'rendicion-api';
export const SEED_PATH = new URL('../../seed/plan-de-trabajo-2024-valle-de-los-chillos.json', import.meta.url);

function hasHeader(headers, name) {
  const n = name.toLowerCase();
  return Object.keys(headers).some((k) => k.toLowerCase() === n);
}

const CONTRACT_LOG = process.env.CONTRACT_LOG;

function bodyText(payload) {
  if (payload === undefined || payload === null) return null;
  try {
    return Buffer.from(payload).toString('utf8');
  } catch {
    return String(payload);
  }
}

/**
 * With CONTRACT_LOG set (tests/contract/run.sh), appends the exchange as one JSON line
 * to that file for tests/contract/check.mjs to validate against the spec. Request
 * headers are kept lower-cased; the token itself is not written,
 * only that one was sent, and its role claim.
 */
function record(method, path, reqHeaders, payload, status, resHeaders, text, via) {
  if (!CONTRACT_LOG) return;
  const request = {};
  for (const [k, v] of Object.entries(reqHeaders)) {
    const n = k.toLowerCase();
    request[n] = n === 'authorization' ? String(v).replace(/^(\S+\s+).*$/s, '$1…') : String(v);
  }
  let tokenRole = null;
  const auth = Object.entries(reqHeaders).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  try {
    tokenRole = JSON.parse(Buffer.from(String(auth).split(' ')[1].split('.')[1], 'base64url')).role ?? null;
  } catch {
    tokenRole = null;
  }
  const line = {
    file: process.argv[1] ?? null,
    via,
    method: String(method).toUpperCase(),
    path,
    request_headers: request,
    token_role: tokenRole,
    request_body: bodyText(payload),
    status,
    headers: resHeaders,
    body: text,
  };
  appendFileSync(CONTRACT_LOG, `${JSON.stringify(line)}\n`);
}

/**
 * One HTTP request to the service.
 * - body: a value sent JSON-encoded with content-type application/json
 *   (unless the caller's headers already set a content-type);
 * - raw: a string/Buffer sent exactly as is (set content-type yourself);
 * - token: sent as "Authorization: Bearer <token>";
 * - base: another instance's address (default BASE).
 * Returns {status, headers (a Headers object: headers.get(name)), json (parsed
 * body or null), text}.
 */
export async function api(method, path, { token, body, headers = {}, raw, base = BASE } = {}) {
  const h = { ...headers };
  let payload;
  if (raw !== undefined) {
    payload = raw;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    if (!hasHeader(h, 'content-type')) h['content-type'] = 'application/json';
  }
  if (token !== undefined && token !== null) h.authorization = `Bearer ${token}`;
  const res = await fetch(base + path, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  record(method, path, h, payload, res.status, Object.fromEntries(res.headers), text, 'api');
  let json = null;
  if (text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** record() for rawHttp: the request's line and headers parsed back, a chunked body joined. */
function recordRaw(request, status, headers, latin1Body) {
  const req = Buffer.from(request).toString('latin1');
  const end = req.indexOf('\r\n\r\n');
  const [line = '', ...lines] = (end >= 0 ? req.slice(0, end) : req).split('\r\n');
  const [method = '', path = ''] = line.split(' ');
  const reqHeaders = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    if (i > 0) reqHeaders[l.slice(0, i).trim()] = l.slice(i + 1).trim();
  }
  let body = Buffer.from(latin1Body, 'latin1');
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts = [];
    let at = 0;
    for (;;) {
      const eol = body.indexOf('\r\n', at);
      const size = eol < 0 ? 0 : parseInt(body.subarray(at, eol).toString('latin1'), 16);
      if (!(size > 0)) break;
      parts.push(body.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  }
  const payload = end >= 0 && end + 4 < req.length ? Buffer.from(req.slice(end + 4), 'latin1') : undefined;
  record(method, path, reqHeaders, payload, status, headers, body.toString('utf8'), 'rawHttp');
}

/**
 * Sends bytes exactly as given over a fresh TCP connection (for requests that
 * fetch refuses to build, e.g. control characters in a header) and returns
 * {status, headers: {lowercased name: value}, text} of the response.
 */
export function rawHttp(request, { timeoutMs = 5000 } = {}) {
  const url = new URL(BASE);
  return new Promise((resolve, reject) => {
    const chunks = [];
    const sock = net.connect({ host: url.hostname, port: Number(url.port || 80) });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('rawHttp: timeout'));
    }, timeoutMs);
    sock.on('connect', () => sock.end(request));
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks).toString('latin1');
      const end = all.indexOf('\r\n\r\n');
      const head = end >= 0 ? all.slice(0, end) : all;
      const [statusLine, ...lines] = head.split('\r\n');
      const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(statusLine ?? '');
      const headers = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const status = m ? Number(m[1]) : 0;
      const text = end >= 0 ? all.slice(end + 4) : '';
      if (CONTRACT_LOG) recordRaw(request, status, headers, text);
      resolve({ status, headers, text });
    });
  });
}

/**
 * Asserts that res is a problem document of this status: application/problem+json, and a
 * JSON object whose status matches and whose type, title, detail, code and reason are
 * non-empty strings. With `reason`, the problem's reason must be exactly that entry of the
 * catalogue (service/http/reasons.def): the status alone does not say which cause it was.
 * Returns the parsed problem.
 */
export function assertProblem(res, status, reason) {
  const body = `(body: ${String(res.text ?? '').slice(0, 300)})`;
  assert.equal(res.status, status, `status ${body}`);
  const type = res.headers.get?.('content-type') ?? res.headers['content-type'] ?? '';
  assert.match(type, /^application\/problem\+json\b/);
  const p = res.json;
  assert.ok(p && typeof p === 'object' && !Array.isArray(p), `the problem is a JSON object ${body}`);
  assert.equal(p.status, status, `the problem's status ${body}`);
  for (const k of ['type', 'title', 'detail', 'code', 'reason']) {
    assert.ok(typeof p[k] === 'string' && p[k].length > 0, `the problem's ${k} is a non-empty string ${body}`);
  }
  if (reason !== undefined) assert.equal(p.reason, reason, `reason ${body}`);
  return p;
}

function b64url(input) {
  return Buffer.from(input).toString('base64url');
}

const HMAC = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/**
 * Builds a JWT independently of the service's code. alg: HS256/HS384/HS512,
 * or 'none' (empty signature). `header` entries are merged over
 * {alg, typ:"JWT"}, so a test can lie about the algorithm.
 */
export function makeToken(claims, { secret = process.env.JWT_SECRET, alg = 'HS256', header = {} } = {}) {
  const head = b64url(JSON.stringify({ alg, typ: 'JWT', ...header }));
  const payload = b64url(JSON.stringify(claims));
  const input = `${head}.${payload}`;
  if (alg === 'none') return `${input}.`;
  const digest = HMAC[alg];
  if (!digest) throw new Error(`makeToken: unsupported alg ${alg}`);
  if (!secret) throw new Error('makeToken: no secret (JWT_SECRET unset)');
  const sig = createHmac(digest, secret).update(input).digest('base64url');
  return `${input}.${sig}`;
}

/**
 * A valid token for a role, with iss/aud from the environment.
 * unit_id is included only when given (directors need it).
 */
export function tokenFor(role, { sub, unit_id, ttl = 600 } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    sub: sub ?? `test-${role}@example.org`,
    role,
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now,
    exp: now + ttl,
  };
  if (unit_id !== undefined && unit_id !== null) claims.unit_id = unit_id;
  return makeToken(claims);
}

/** Runs one SQL statement with psql -At against DATABASE_URL; returns stdout without the final newline. */
export function sql(query) {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('sql: DATABASE_URL unset');
  const out = execFileSync('psql', [url, '-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-c', query], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out.replace(/\n$/, '');
}

/** The administration's time zone (TIME_ZONE) and its date today, YYYY-MM-DD: what the
 * service takes as "today" for overdue flags and compliance's default as_of. */
export const TIME_ZONE = process.env.TIME_ZONE || 'America/Guayaquil';
export function adminToday(at = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The title of the shipped seed plan (make run and the test run seed it). */
export const SEED_TITLE = 'Plan de Trabajo 2024';

/** The id of the seed plan, as the public lists it. */
export async function seedPlanId() {
  const res = await api('GET', '/api/v1/plans?limit=200');
  assert.equal(res.status, 200);
  const plan = res.json.items.find((p) => p.title === SEED_TITLE);
  assert.ok(plan, 'the seed plan is listed');
  return plan.id;
}

/** The shipped seed document (import format), freshly parsed on every call. */
export function seedDocument() {
  return JSON.parse(readFileSync(SEED_PATH, 'utf8'));
}

let copies = 0;

/**
 * Imports the seed document, passed through `change`, under a title of its own (`title`
 * with this process and a counter: no duplicate_plan), as `token`; returns the new plan as
 * the import answers it ({id, axes, …}).
 */
export async function importSeedPlan(title, change = (d) => d, token = tokenFor('administradora')) {
  copies += 1;
  const doc = change({ ...seedDocument(), title: `${title} ${process.pid}-${copies}` });
  const res = await api('POST', '/api/v1/plans/import', { token, body: doc });
  assert.equal(res.status, 201, res.text.slice(0, 400));
  return res.json;
}

/** importSeedPlan's id. */
export async function importSeedCopy(title, change = (d) => d, token = tokenFor('administradora')) {
  return (await importSeedPlan(title, change, token)).id;
}

/** A change for importSeedPlan: the document in status (a draft has no approver). */
export const withStatus = (status) => (doc) =>
  ({ ...doc, status, ...(status === 'draft' ? { approved_by: null } : {}) });

/** The id of activity `number` of axis `axis` of a plan (read from the database). */
export function activityId(planId, axis, number) {
  const id = sql(`SELECT t.id FROM activities t JOIN axes a ON a.id = t.axis_id
                  WHERE a.plan_id = ${planId} AND a.number = ${axis} AND t.number = ${number}`);
  assert.match(id, /^\d+$/);
  return Number(id);
}

/**
 * Projects `actual` onto the shape of `expected`: objects keep only the keys
 * that `expected` has, arrays are projected element by element (and keep
 * their own length). deepStrictEqual(project(a, e), e) thus checks every field
 * of `expected` and ignores extra fields such as ids, with a readable diff.
 */
export function project(actual, expected) {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return actual;
    return actual.map((v, i) => (i < expected.length ? project(v, expected[i]) : v));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return actual;
    const out = {};
    for (const k of Object.keys(expected)) {
      if (Object.hasOwn(actual, k)) out[k] = project(actual[k], expected[k]);
    }
    return out;
  }
  return actual;
}

/**
 * Every place where `actual` disagrees with `expected`, as "JSON-pointer:
 * expected X, got Y" strings (empty when equal). Only fields present in
 * `expected` are compared; arrays must have the same length. Gives short,
 * precise failure messages for large documents.
 */
export function differences(actual, expected, pointer = '') {
  const show = (v) => (v === undefined ? 'nothing' : JSON.stringify(v));
  const here = pointer || '/';
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${here}: expected an array, got ${show(actual)}`];
    const out = [];
    if (actual.length !== expected.length) {
      out.push(`${here}: expected ${expected.length} elements, got ${actual.length}`);
    }
    const n = Math.min(actual.length, expected.length);
    for (let i = 0; i < n; i++) out.push(...differences(actual[i], expected[i], `${pointer}/${i}`));
    return out;
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return [`${here}: expected an object, got ${show(actual)}`];
    }
    const out = [];
    for (const k of Object.keys(expected)) {
      const p = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!Object.hasOwn(actual, k)) out.push(`${p}: missing (expected ${show(expected[k])})`);
      else out.push(...differences(actual[k], expected[k], p));
    }
    return out;
  }
  return Object.is(actual, expected) ? [] : [`${here}: expected ${show(expected)}, got ${show(actual)}`];
}

/** A free TCP port on the loopback interface (for a second service instance). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** POST /api/v1/auth/token from the local address localAddress (all of 127/8 reaches the
 * loopback interface; fetch cannot choose it), to base, with headers added:
 * {status, headers: {lowercased name: value}, json (the body parsed, or null), text}. */
export function loginFrom(localAddress, email, password, { base = BASE, headers = {} } = {}) {
  const url = new URL('/api/v1/auth/token', base);
  const body = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON: json stays null */ }
        resolve({ status: res.statusCode, headers: res.headers, json, text });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A new account of role (and unit, for directores) that admin (a token) creates, signed
 * in with password: {id, email, token, etag (the account's ETag)}. */
export async function newAccount(admin, role, { unitId, password, prefix = 'account' } = {}) {
  const email = `${prefix}.${randomBytes(5).toString('hex')}@example.org`;
  const body = { email, password, name: 'Cuenta de prueba', role };
  if (unitId) body.unit_id = unitId;
  const res = await api('POST', '/api/v1/users', { token: admin, body });
  assert.equal(res.status, 201, res.text);
  const tok = await api('POST', '/api/v1/auth/token', { body: { email, password } });
  assert.equal(tok.status, 200, tok.text);
  return { id: res.json.id, email, token: tok.json.access_token, etag: res.headers.get('etag') };
}
