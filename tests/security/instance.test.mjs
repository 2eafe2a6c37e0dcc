// Issue 17, rows 3 and 12, on an instance of its own (the suite's lifts the per-address
// limits): registrations limited per client address (REGISTRATIONS_PER_HOUR, default 10);
// /metrics behind METRICS_TOKEN; 414 and 431 answered as problems with the security headers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { startInstance, stopInstance } from '../faults/instance.mjs';

const METRICS_TOKEN = 'security-metrics-token-0123456789abcdef';
let inst;

before(async () => {
  // undefined: the variable is left out, so the defaults apply (REGISTRATIONS_PER_HOUR 10).
  inst = await startInstance({
    HOST: '127.0.0.1', METRICS_TOKEN, DB_POOL_SIZE: '4',
    REGISTRATIONS_PER_HOUR: undefined, MAX_CONNECTIONS_PER_ADDRESS: undefined,
  });
});

after(async () => { assert.equal((await stopInstance(inst)).code, 0); });

function registerFrom(localAddress) {
  const body = JSON.stringify({ email: `sec.${randomBytes(5).toString('hex')}@example.org`, password: 'a registration password', name: 'Registro' });
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port: inst.port, path: '/api/v1/auth/register', method: 'POST', localAddress, agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.end(body);
  });
}

test('row 3: 60 parallel registrations from one address → 10 accepted, the rest 429', async () => {
  const statuses = await Promise.all(Array.from({ length: 60 }, () => registerFrom('127.0.0.41')));
  const ok = statuses.filter((s) => s === 201 || s === 202).length;
  assert.equal(ok, 10, JSON.stringify(statuses));
  assert.equal(statuses.filter((s) => s === 429).length, 50);
});

test('row 12: anonymous GET /metrics → 401; with METRICS_TOKEN → 200', async () => {
  assert.equal((await fetch(`${inst.base}/metrics`)).status, 401);
  assert.equal((await fetch(`${inst.base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 200);
});

function raw(request) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: inst.port }, () => s.write(request));
    let out = '';
    s.on('data', (d) => { out += d; });
    s.on('error', () => {});
    s.on('close', () => resolve(out));
  });
}

test('row 12: a URI over 8 KB → 414 and headers over 16 KB → 431, as problems with the security headers', async () => {
  const long = await raw(`GET /health?${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  assert.match(long, /^HTTP\/1\.1 414 /);
  assert.match(long, /Content-Type: application\/problem\+json/);
  assert.match(long, /X-Content-Type-Options: nosniff/);
  assert.match(long, /"reason":"uri_too_long"/);
  const big = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17000)}\r\nConnection: close\r\n\r\n`);
  assert.match(big, /^HTTP\/1\.1 431 /);
  assert.match(big, /X-Frame-Options: DENY/);
  assert.match(big, /"reason":"headers_too_large"/);
});
