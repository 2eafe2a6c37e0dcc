// Issue 17, rows 4 and 5 (load-shaped, bounded: at most 300 sockets, loopback, well under
// 60 s each): a request has 10 s for its headers and BODY_TIMEOUT_SECONDS for its body,
// however it trickles them (libmicrohttpd's own timeout is reset by every byte), and a
// flood of padded logins cannot grow the service's memory (the route's body limit holds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { startInstance, stopInstance } from './instance.mjs';

/** Opens n sockets that send a request line and then one header line every everyMs. */
function trickle(port, n, { everyMs = 2000, body = false } = {}) {
  const t0 = Date.now();
  return Array.from({ length: n }, () => new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let k = 0;
    let timer = null;
    s.on('error', () => {});
    s.on('connect', () => {
      s.write(body
        ? 'POST /api/v1/plans/import HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{'
        : 'GET /health HTTP/1.1\r\nHost: x\r\n');
      timer = setInterval(() => s.write(body ? ' ' : `X-${k++}: a\r\n`), everyMs);
    });
    s.on('close', () => { clearInterval(timer); resolve({ ms: Date.now() - t0, sock: s }); });
    // Bounded: whatever happens, nothing outlives 45 s.
    setTimeout(() => s.destroy(), 45000).unref();
  }));
}

function proc(pid, field) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(line.split(/\s+/)[1]);
}

test('row 4: 300 sockets trickling a header line every 2 s are closed after 10 s (not held past 30 s); threads return', async () => {
  const inst = await startInstance();
  try {
    const closed = await Promise.all(trickle(inst.port, 300));
    const times = closed.map((c) => c.ms);
    assert.ok(Math.min(...times) >= 9000, `closed too early: ${Math.min(...times)} ms`);
    assert.ok(Math.max(...times) < 25000, `held for ${Math.max(...times)} ms`);
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(proc(inst.proc.pid, 'Threads') < 40, `threads: ${proc(inst.proc.pid, 'Threads')}`);
    assert.equal((await fetch(`${inst.base}/health`)).status, 200);
  } finally {
    await stopInstance(inst);
  }
});

test('row 4: MAX_CONNECTIONS=100 and 120 trickling sockets: the service answers again once their 10 s are up', async () => {
  const inst = await startInstance({ MAX_CONNECTIONS: '100' });
  try {
    const socks = trickle(inst.port, 120, { everyMs: 1000 });
    const t0 = Date.now();
    let ok = false;
    while (!ok && Date.now() - t0 < 25000) {
      await new Promise((r) => setTimeout(r, 1000));
      ok = await fetch(`${inst.base}/health`).then((r) => r.status === 200, () => false);
    }
    assert.ok(ok, 'still refused 25 s after 120 trickling sockets came');
    const closed = await Promise.all(socks);
    assert.ok(Math.max(...closed.map((c) => c.ms)) < 25000);
  } finally {
    await stopInstance(inst);
  }
});

test('row 4: a body trickled one byte every 500 ms is cut at BODY_TIMEOUT_SECONDS; a body sent at once is not', async () => {
  const inst = await startInstance({ BODY_TIMEOUT_SECONDS: '3' });
  try {
    const closed = await Promise.all(trickle(inst.port, 20, { everyMs: 500, body: true }));
    const times = closed.map((c) => c.ms);
    assert.ok(Math.min(...times) >= 2500 && Math.max(...times) < 15000, JSON.stringify(times));
    const big = JSON.stringify({ title: 'x'.repeat(500000) });
    const res = await fetch(`${inst.base}/api/v1/plans/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: big });
    assert.equal(res.status, 401);   // read whole, then refused for want of a token
  } finally {
    await stopInstance(inst);
  }
});

test('row 5: 250 concurrent logins padded with 1 MB of JSON blanks → 413 each; peak RSS grows by less than 100 MB', async () => {
  const inst = await startInstance();
  try {
    const pid = inst.proc.pid;
    const before = proc(pid, 'VmRSS');
    const body = `${JSON.stringify({ email: 'alice@example.org', password: 'wrongwrongwrong' })}${' '.repeat(1 << 20)}`;
    const head = 'POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'
      + `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const statuses = await Promise.all(Array.from({ length: 250 }, () => new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port: inst.port }, () => { s.write(head); s.write(body); });
      let out = '';
      s.on('data', (d) => { out += d; });
      s.on('error', () => {});
      s.on('close', () => resolve(Number(out.slice(9, 12)) || 0));
    })));
    assert.deepEqual([...new Set(statuses)], [413]);
    const peak = proc(pid, 'VmHWM');
    const growthMb = (peak - before) / 1024;
    assert.ok(growthMb < 100, `peak RSS grew by ${growthMb.toFixed(1)} MB (from ${before} kB to ${peak} kB)`);
    // The release build's whole peak is checked too (the ASan build's shadow memory is not).
    if (process.env.SANITIZED !== '1') assert.ok(peak < 100 * 1024, `peak RSS ${peak} kB`);
  } finally {
    await stopInstance(inst);
  }
});
