// The background writes of the mixed measurement of bench/run.sh: RATE requests a second
// to the service at URL (loopback), for SECONDS, then a summary line on stdout.
//   node bench/writer.mjs URL RATE SECONDS KIND TOKENS PATH [PATH ...]
// KIND submit: a citizen's observation (POST PATH = /api/v1/axes/{id}/observations), each
//   with the next token of the file TOKENS (one post per citizen: the hourly limit holds).
//   Received, so invisible to the public.
// KIND progress: a progress report (POST PATH = /api/v1/activities/{id}/updates) with the
//   first token of TOKENS (the administradora's). Visible to the public.
// Requests go out on schedule whether or not earlier ones have answered, at most 16 at once
// (one due while 16 are out is skipped: the service is not keeping up). The summary gives
// the writes' own latency too.
import { readFileSync } from 'node:fs';
import http from 'node:http';

const [url, rateArg, secondsArg, kind, tokensFile, ...paths] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url ?? '') || !(rate > 0) || !(seconds > 0) ||
    !['submit', 'progress'].includes(kind) || !tokensFile || paths.length === 0) {
  console.error('usage: node bench/writer.mjs http://127.0.0.1:PORT RATE SECONDS submit|progress TOKENS PATH...');
  process.exit(2);
}
const tokens = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean);
const total = Math.floor(rate * seconds);
let sent = 0, ok = 0, failed = 0, skipped = 0, inFlight = 0;
const took = [];

function body(n) {
  if (kind === 'submit') {
    return { kind: 'observation', body: `Observación de carga mixta número ${n}` };
  }
  return { progress: 1 + (n % 99), note: `Avance de carga mixta número ${n}` };
}

// node:http on kept-alive connections: fetch() cost the writer ~4 ms of CPU per request,
// a tenth of this 2-core machine at 50 a second, taken from the readers being measured.
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function request(path, token, payload) {
  return new Promise((resolve, reject) => {
    const req = http.request(url + path, {
      method: 'POST',
      agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json',
                 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      res.on('data', () => {});
      res.on('end', () => resolve(res.statusCode));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function post(n) {
  const token = kind === 'submit' ? tokens[n % tokens.length] : tokens[0];
  const start = performance.now();
  inFlight++;
  try {
    const status = await request(paths[n % paths.length], token, JSON.stringify(body(n)));
    if (status === 201) ok++; else failed++;
    took.push(performance.now() - start);
  } catch {
    failed++;
  } finally {
    inFlight--;
  }
}

const t0 = performance.now();
const pending = [];
for (let n = 0; n < total; n++) {
  const wait = t0 + (n * 1000) / rate - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  if (inFlight >= 16) { skipped++; continue; } // the service is not keeping up: skip, do not pile up
  sent++;
  pending.push(post(n));
}
await Promise.all(pending);
agent.destroy();
const secs = (performance.now() - t0) / 1000;
took.sort((a, b) => a - b);
const pct = (p) => (took.length ? took[Math.min(took.length - 1, Math.floor(p * took.length))] : 0).toFixed(1);
console.log(`WRITER {"kind":"${kind}","sent":${sent},"ok":${ok},"failed":${failed},` +
  `"skipped":${skipped},"rate":${(ok / secs).toFixed(1)},"p50_ms":${pct(0.5)},"p99_ms":${pct(0.99)}}`);
