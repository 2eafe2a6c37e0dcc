// Issue 17, findings 4 and 12 (README, "Security"), on an instance of its own:
// METRICS_TOKEN guards GET /metrics, MAX_CONNECTIONS_PER_ADDRESS bounds what one client
// address holds (a client from another address is still served), and
// REGISTRATIONS_PER_HOUR bounds registrations per client address (finding 3).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { freePort } from './lib.mjs';

const BINARY = process.env.BINARY;
const METRICS_TOKEN = 'metrics-token-for-the-tests-0123456789';
let inst;

before(async () => {
  const port = await freePort();
  const env = { ...process.env, HOST: '127.0.0.1', PORT: String(port), DB_POOL_SIZE: '2', METRICS_TOKEN, MAX_CONNECTIONS_PER_ADDRESS: '4', REGISTRATIONS_PER_HOUR: '3' };
  const child = spawn(BINARY, ['serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/health`)).status === 200) break; } catch { /* not yet */ }
    if (child.exitCode !== null) throw new Error(`instance exited at start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  inst = { base, port, async stop() { child.kill('SIGTERM'); return exited; } };
});

after(async () => { assert.equal(await inst.stop(), 0); });

test('GET /metrics: 401 without the token or with another, 200 with METRICS_TOKEN', async () => {
  const anon = await fetch(`${inst.base}/metrics`);
  assert.equal(anon.status, 401);
  assert.equal((await anon.json()).reason, 'token_required');
  const wrong = await fetch(`${inst.base}/metrics`, { headers: { authorization: 'Bearer not-the-token' } });
  assert.equal(wrong.status, 401);
  assert.equal((await wrong.json()).reason, 'invalid_token');
  const ok = await fetch(`${inst.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /rendicion_/);
});

function connectFrom(localAddress) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: inst.port, localAddress }, () => resolve(s));
    s.on('error', reject);
  });
}

/** Sends GET /health on a socket; resolves with the status, or 0 when the server closed it. */
function healthOn(sock) {
  return new Promise((resolve) => {
    let data = '';
    sock.on('data', (d) => { data += d; if (/\r\n\r\n/.test(data)) resolve(Number(data.slice(9, 12))); });
    sock.on('close', () => resolve(Number(data.slice(9, 12)) || 0));
    sock.on('error', () => resolve(0));
    sock.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
  });
}

test('MAX_CONNECTIONS_PER_ADDRESS=4: a fifth connection from one address is refused, another address is served', async () => {
  const held = [];
  for (let i = 0; i < 4; i++) held.push(await connectFrom('127.0.0.8'));
  await new Promise((r) => setTimeout(r, 200));
  const fifth = await connectFrom('127.0.0.8');
  assert.equal(await healthOn(fifth), 0, 'the fifth connection from 127.0.0.8 was served');
  const other = await connectFrom('127.0.0.9');
  assert.equal(await healthOn(other), 200);
  for (const s of [...held, fifth, other]) s.destroy();
});

/** POST /api/v1/auth/register (or another path taking the same body) from a given local address. */
function registerFrom(localAddress, path = '/api/v1/auth/register') {
  const body = JSON.stringify(path === '/api/v1/auth/register'
    ? { email: `reg.${randomBytes(5).toString('hex')}@example.org`, password: 'a registration password', name: 'Registro' }
    : { email: `reg.${randomBytes(5).toString('hex')}@example.org` });
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: inst.port, path, method: 'POST', localAddress,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, json: JSON.parse(text || 'null') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('REGISTRATIONS_PER_HOUR=3: the fourth registration from one address → 429 with Retry-After; another address registers', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await registerFrom('127.0.0.10')).status, 202);
  const res = await registerFrom('127.0.0.10');
  assert.equal(res.status, 429);
  assert.equal(res.json.reason, 'too_many_registrations');
  const wait = Number(res.headers['retry-after']);
  assert.ok(wait > 0 && wait <= 3600, `Retry-After: ${res.headers['retry-after']}`);
  assert.equal((await registerFrom('127.0.0.11')).status, 202);
});

test('REGISTRATIONS_PER_HOUR=3 limits password reset requests too, counted apart: the fourth → 429 too_many_resets', async () => {
  const reset = '/api/v1/auth/password-reset';
  for (let i = 0; i < 3; i++) assert.equal((await registerFrom('127.0.0.12', reset)).status, 202);
  const res = await registerFrom('127.0.0.12', reset);
  assert.equal(res.status, 429);
  assert.equal(res.json.reason, 'too_many_resets');
  assert.ok(Number(res.headers['retry-after']) > 0);
  // Registrations from that address are counted apart.
  assert.equal((await registerFrom('127.0.0.12')).status, 202);
});
