// Real parts for the mail and webhook tests: an SMTP sink (Debian's python3-aiosmtpd,
// tests/mail/smtp_sink.py) writing each message to a folder, a reader of those messages
// (headers, Spanish subject, text and HTML parts), an instance of the service that sends
// mail, and an HTTP receiver of webhooks. Nothing here is a mock of the service.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startInstance, stopInstance } from '../faults/instance.mjs';
import { freePort } from '../integration/lib.mjs';

const SINK = path.join(path.dirname(fileURLToPath(import.meta.url)), 'smtp_sink.py');
export const MAIL_FROM = 'Rendición Valle de los Chillos <no-reply@valle.example.ec>';

/** Starts the sink (on port, or a free one; each message acknowledged delay seconds after
 * it is written); resolves to {port, dir, proc, stop()}. */
export async function startSink(port, dir = mkdtempSync(path.join(tmpdir(), 'rendicion-mail-')), delay = 0) {
  port = port ?? await freePort();
  const proc = spawn('/usr/bin/python3', [SINK, String(port), dir, String(delay)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    proc.stdout.once('data', resolve);
    proc.once('exit', (code) => reject(new Error(`smtp sink exited with ${code}`)));
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  return {
    port, dir, proc,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

function decodeWords(v) {
  return v.replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_, b) => Buffer.from(b, 'base64').toString('utf8'));
}

function parseHeaders(text) {
  const headers = {};
  for (const line of text.replace(/\r\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = decodeWords(line.slice(i + 1).trim());
  }
  return headers;
}

/** One message of the sink: {file, headers, subject, to, text, html, raw}. */
export function parseMail(file, raw) {
  const split = raw.indexOf('\r\n\r\n');
  const headers = parseHeaders(raw.slice(0, split));
  const mail = { file, raw, headers, subject: headers.subject, to: headers['x-sink-to'], text: null, html: null };
  const boundary = /boundary="([^"]+)"/.exec(headers['content-type'] ?? '')?.[1];
  for (const part of boundary ? raw.slice(split + 4).split(`--${boundary}`) : []) {
    const at = part.indexOf('\r\n\r\n');
    if (at < 0) continue;
    const h = parseHeaders(part.slice(0, at));
    const body = h['content-transfer-encoding'] === 'base64'
      ? Buffer.from(part.slice(at + 4).replace(/\s+/g, ''), 'base64').toString('utf8')
      : part.slice(at + 4);
    if (h['content-type']?.startsWith('text/plain')) mail.text = body;
    if (h['content-type']?.startsWith('text/html')) mail.html = body;
  }
  return mail;
}

/** Every message in dir so far, oldest first (read as latin1: headers are ASCII, the
 * parts base64, decoded as UTF-8 above). */
export function mails(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.eml'))
    .sort((a, b) => Number(a.split('-')[1].split('.')[0]) - Number(b.split('-')[1].split('.')[0]))
    .map((f) => parseMail(f, readFileSync(path.join(dir, f), 'latin1')));
}

/** Waits (polling, up to ms) for mails to `to` until pred holds for the list; returns it. */
export async function waitForMails(dir, to, pred = (l) => l.length > 0, ms = 30000) {
  const until = Date.now() + ms;
  for (;;) {
    const list = mails(dir).filter((m) => m.to === to);
    if (pred(list)) return list;
    if (Date.now() > until) throw new Error(`no mail to ${to} as expected within ${ms} ms (have ${list.length})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The link of a mail's text part that starts with base, and its token. */
export function linkOf(mail, base) {
  const url = mail.text.split(/\s+/).find((w) => w.startsWith(`${base}/?`));
  return { url, token: url ? new URL(url).searchParams.get('token') : null };
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** A service instance (tests/faults/instance.mjs) that sends mail through the sink on
 * smtpPort; PUBLIC_BASE_URL is its own address. {port, base, proc, exited}. */
export async function startMailInstance(smtpPort, env = {}) {
  const port = await freePort();
  return startInstance({
    REGISTRATIONS_PER_HOUR: '1000000', SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, MAIL_FROM,
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, WEBHOOK_ALLOW_PRIVATE: '1', ...env,
  }, port);
}

export { stopInstance };

/**
 * An HTTP receiver of webhooks: records {headers, body} of each POST and answers with
 * respond(request) (a status; default 200). {url, port, received, close()}.
 */
export async function startReceiver(respond = () => 200) {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const r = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const status = await respond(r);
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/hooks/rendicion`, port, received,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

/** Waits (polling, up to ms) until pred(received) holds. */
export async function waitFor(pred, ms = 30000, what = 'the condition') {
  const until = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
