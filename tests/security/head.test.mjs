// Issue 17, rows 7 and 12, with the raw bytes: a request head holding what libmicrohttpd's
// parsed strings hide (a NUL inside a value, a bare LF, a folded line) → 400 bad_header;
// a head too large for the service → 414/431 as problem documents with the security
// headers while it fits in libmicrohttpd's memory per connection (128 KB, its parsed
// headers included), and past that (1 MB) libmicrohttpd's own 414/431 or a close, never a
// hang, with the service alive and its memory bounded (README "Security").
// On an instance of its own, to read its memory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { startInstance, stopInstance } from '../faults/instance.mjs';

let inst;

before(async () => { inst = await startInstance({ HOST: '127.0.0.1', DB_POOL_SIZE: '2' }); });

after(async () => { assert.equal((await stopInstance(inst)).code, 0); });

function kb(field) {
  const line = readFileSync(`/proc/${inst.proc.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(line.split(/\s+/)[1]);
}

/**
 * Sends the bytes as given and resolves with every answer read until the service closes
 * (a reset after a partial send counts as a close): [{status, headers, body}], and
 * `hung` when the socket was still open after 30 s (the head's deadline is 10 s).
 */
function raw(bytes) {
  return new Promise((resolve) => {
    const chunks = [];
    let hung = false;
    const s = net.connect({ host: '127.0.0.1', port: inst.port }, () => s.end(Buffer.from(bytes, 'latin1')));
    const timer = setTimeout(() => { hung = true; s.destroy(); }, 30000);
    s.on('data', (d) => chunks.push(d));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(timer);
      const answers = [];
      let rest = Buffer.concat(chunks).toString('latin1');
      while (rest.startsWith('HTTP/')) {
        const end = rest.indexOf('\r\n\r\n');
        if (end < 0) break;
        const [line, ...lines] = rest.slice(0, end).split('\r\n');
        const headers = {};
        for (const l of lines) {
          const i = l.indexOf(':');
          headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
        }
        const len = Number(headers['content-length'] ?? 0);
        answers.push({ status: Number(line.split(' ')[1]), headers, body: rest.slice(end + 4, end + 4 + len) });
        rest = rest.slice(end + 4 + len);
      }
      resolve({ answers, hung });
    });
  });
}

function assertProblemHead(answer, status, reason) {
  assert.equal(answer.status, status, answer.body.slice(0, 200));
  assert.match(answer.headers['content-type'], /^application\/problem\+json/);
  assert.equal(JSON.parse(answer.body).reason, reason);
  assert.equal(answer.headers['x-content-type-options'], 'nosniff');
  assert.equal(answer.headers['x-frame-options'], 'DENY');
  assert.equal(answer.headers['cache-control'], 'no-store');
}

const GET = 'GET /health HTTP/1.1\r\nHost: x\r\n';

test('row 7: a NUL anywhere in a header value → 400 bad_header, whatever follows it', async () => {
  for (const head of [
    `${GET}X-Request-Id: seen\0hidden\r\nConnection: close\r\n\r\n`,   // what follows the NUL was dropped unseen
    `${GET}X-A: a\0\r\nConnection: close\r\n\r\n`,                      // a NUL ending a value
    `${GET}Connection: close\r\nX-Last: a\0\r\n\r\n`,                   // in the last header
    `${GET}Connection: close\r\nX-Last: \0\r\n\r\n`,                    // a value that is only a NUL
    `${GET}X-A:\0 a\r\nConnection: close\r\n\r\n`,                      // before the value
    `${GET}Connection: close\r\nX-A: a\0\0\0\r\n\r\n`,
  ]) {
    const { answers } = await raw(head);
    assert.equal(answers.length, 1, JSON.stringify(head));
    assertProblemHead(answers[0], 400, 'bad_header');
    assert.equal(answers[0].headers.connection, 'close');
  }
});

test('row 7: a line ended by a bare LF, or a folded header line → 400 bad_header (RFC 9112 2.2, 5.2)', async () => {
  for (const head of [
    'GET /health HTTP/1.1\nHost: x\nConnection: close\n\n',
    `${GET}Connection: close\r\nX-A: a\n\r\n`,
    `${GET}X-A: a\r\n folded\r\nConnection: close\r\n\r\n`,
  ]) {
    const { answers } = await raw(head);
    assertProblemHead(answers[0], 400, 'bad_header');
  }
});

test('row 7: ordinary heads still pass: blank lines before it, empty values, blanks around a value, cookies, HTTP/1.0, several requests on one connection', async () => {
  const ok = [
    `\r\n${GET}X-Empty:\r\nX-Blanks: \t a b \t\r\nCookie: a=b; c=d\r\nConnection: close\r\n\r\n`,
    'GET /health HTTP/1.0\r\n\r\n',
  ];
  for (const head of ok) {
    const { answers } = await raw(head);
    assert.deepEqual(answers.map((a) => a.status), [200], JSON.stringify(head));
  }
  const body = '{}';
  const { answers } = await raw(`${GET}\r\n`
    + `POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`
    + `${GET}X-After-Body: b\r\nConnection: close\r\n\r\n`);
  assert.deepEqual(answers.map((a) => a.status), [200, 422, 200]);
});

test("row 12: heads over the service's limits but within libmicrohttpd's memory (a URI or a header of 100 KB, 60 KB in 600 lines) → 414/431 problems with the security headers", async () => {
  const lines = (bytes, width) => {
    let out = '';
    for (let i = 0; out.length < bytes; i++) out += `X-${i}: ${'v'.repeat(width)}\r\n`;
    return out;
  };
  for (const size of [9000, 40000, 100000]) {
    const { answers } = await raw(`GET /health?${'a'.repeat(size)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assertProblemHead(answers[0], 414, 'uri_too_long');
  }
  for (const head of [
    `${GET}X-Big: ${'b'.repeat(100000)}\r\nConnection: close\r\n\r\n`,
    `${GET}${lines(60000, 90)}Connection: close\r\n\r\n`,    // 60 KB in 600 lines
    `${GET}${lines(17000, 6)}Connection: close\r\n\r\n`,     // just over 16 KB in lines of 12 bytes
  ]) {
    const { answers } = await raw(head);
    assertProblemHead(answers[0], 431, 'headers_too_large');
  }
});

test("row 12: past libmicrohttpd's memory per connection (4,000 empty headers, 100 KB in 1,000 lines) it answers 431 itself, and closes", async () => {
  for (const head of [`${GET}${'a:\r\n'.repeat(4000)}\r\n`, `${GET}${'X-Line: '.padEnd(98, 'v').concat('\r\n').repeat(1000)}\r\n`]) {
    const { answers, hung } = await raw(head);
    assert.equal(hung, false);
    assert.deepEqual(answers.map((a) => a.status), [431]);
  }
});

test('row 12: 1 MB heads, 20 at once → each answered 414/431 or closed, none hangs; the service lives and its memory stays bounded', async () => {
  const before = kb('VmRSS');
  const heads = [];
  for (let i = 0; i < 10; i++) {
    heads.push(`GET /health?${'a'.repeat(1 << 20)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    heads.push(`${GET}X-Big: ${'b'.repeat(1 << 20)}\r\n\r\n`);
  }
  const results = await Promise.all(heads.map(raw));
  for (const { answers, hung } of results) {
    assert.equal(hung, false);
    // libmicrohttpd's own answer past its memory per connection (README "Security").
    for (const a of answers) assert.ok(a.status === 414 || a.status === 431, String(a.status));
  }
  const grown = (kb('VmHWM') - before) / 1024;
  assert.ok(grown < 40, `peak RSS grew by ${grown.toFixed(1)} MB`);
  assert.equal((await fetch(`${inst.base}/health`)).status, 200);
});
