// The portal (GET /), the API reference (GET /docs) and their files (GET /assets/{file}):
// served from the binary with their media types, strong ETags (304), revalidation, a
// Content-Security-Policy that loads nothing from other hosts, and gzip when accepted.
// tests/browser/ drives them in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { api, assertProblem } from './lib.mjs';

const web = (name) => readFileSync(new URL(`../../web/${name}`, import.meta.url), 'utf8');

/** The /assets/ files a page names in src= or href=. */
const assetsOf = (html) => [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);

function assertPolicy(res, extra = '') {
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /^default-src 'self';/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/, 'no inline code and no other host');
  if (extra) assert.ok(csp.includes(extra), csp);
  assert.equal(res.headers.get('cache-control'), 'public, no-cache');
}

test('GET / serves the portal page, in Spanish, under a strict policy', async () => {
  const res = await api('GET', '/');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(res.text, web('index.html'));
  assert.match(res.text, /<html lang="es">/);
  assertPolicy(res);
  assert.doesNotMatch(res.headers.get('content-security-policy'), /data:/);
});

test('GET / with the ETag it gave answers 304 without a body', async () => {
  const first = await api('GET', '/');
  const etag = first.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{16}"$/);
  const again = await api('GET', '/', { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
  assert.equal(again.headers.get('etag'), etag);
});

test('GET /docs serves the reference page; its policy adds only data: images', async () => {
  const res = await api('GET', '/docs');
  assert.equal(res.status, 200);
  assert.equal(res.text, web('docs.html'));
  assertPolicy(res, "img-src 'self' data:");
});

test('every file the two pages name is served with its media type', async () => {
  const names = new Set([...assetsOf(web('index.html')), ...assetsOf(web('docs.html'))]);
  assert.ok(names.size >= 6, [...names].join(' '));
  const types = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8', svg: 'image/svg+xml' };
  for (const p of names) {
    const res = await api('GET', p);
    assert.equal(res.status, 200, p);
    assert.equal(res.headers.get('content-type'), types[p.split('.').pop()], p);
    assert.ok(res.headers.get('etag'), p);
  }
  // portal.js imports api.js: served too.
  assert.equal((await api('GET', '/assets/api.js')).text, web('api.js'));
});

test('a file is sent gzipped when the client accepts it, with its own ETag', async () => {
  const plain = await api('GET', '/assets/swagger-ui-bundle.js', { headers: { 'Accept-Encoding': 'identity' } });
  const gz = await api('GET', '/assets/swagger-ui-bundle.js', { headers: { 'Accept-Encoding': 'gzip' } });
  assert.equal(plain.status, 200);
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.equal(gz.headers.get('content-encoding'), 'gzip');
  assert.equal(gz.text, plain.text, 'fetch unzips it to the same text');
  assert.notEqual(gz.headers.get('etag'), plain.headers.get('etag'));
  assert.match(gz.headers.get('vary') ?? '', /Accept-Encoding/);
  const refused = await api('GET', '/assets/portal.css', { headers: { 'Accept-Encoding': 'gzip;q=0' } });
  assert.equal(refused.headers.get('content-encoding'), null);
});

test('an unknown file, or a precompressed copy asked for by name, is 404', async () => {
  assertProblem(await api('GET', '/assets/no-such-file.js'), 404, 'no_route');
  assertProblem(await api('GET', '/assets/portal.js.gz'), 404, 'no_route');
  assertProblem(await api('GET', '/assets/%2e%2e%2fopenapi.json'), 404, 'no_route');
});

test('the pages take GET only', async () => {
  const res = await api('POST', '/', { body: {} });
  assertProblem(res, 405, 'method_not_allowed');
  assert.equal(res.headers.get('allow'), 'GET');
});
