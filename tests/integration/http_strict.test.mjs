// Issue 17, finding 7 (README, "Security"): two Content-Length headers, or
// Content-Length with Transfer-Encoding, → 400 and the connection closed: behind a proxy
// that reads the other length, the rest would be parsed as a second (smuggled) request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rawHttp } from './lib.mjs';

const body = '{"email":"a@example.org","password":"x"}';

function answers(text) {
  return (text.match(/HTTP\/1\.[01] \d{3}/g) ?? []).length;
}

test('two different Content-Length headers → 400, and nothing after it is answered', async () => {
  const smuggled = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
  const res = await rawHttp(
    'POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${body.length}\r\nContent-Length: ${body.length + smuggled.length}\r\n\r\n` +
    body + smuggled);
  assert.equal(res.status, 400, res.text);
  assert.match(res.text, /"reason":\s*"bad_framing"/);
  assert.equal(res.headers.connection, 'close');
  assert.equal(answers(res.text), 0, 'a second answer came back: the rest was read as a request');
});

test('two equal Content-Length headers → 400 too', async () => {
  const res = await rawHttp(
    'POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `Content-Length: ${body.length}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n` + body);
  assert.equal(res.status, 400, res.text);
});

test('Content-Length with Transfer-Encoding: chunked → 400', async () => {
  const chunked = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
  const res = await rawHttp(
    'POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `Content-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` + chunked);
  assert.equal(res.status, 400, res.text);
});
