// Mail through the transactional outbox, with a real SMTP server (Debian's aiosmtpd, a
// sink writing each message to a folder: tests/mail/): verification of new accounts,
// the mail a known email gets instead of a second account, password reset, and the mail
// to the author of an answered observation. The links are followed against the service.
// One instance of its own sends the mail (the suite's has no SMTP_URL); the last test
// points another at a closed port to see a message go dead.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { api, assertProblem, freePort, importSeedCopy, sql, tokenFor } from './lib.mjs';
import {
  MAIL_FROM, linkOf, mails, removeDir, startMailInstance, startSink, stopInstance, waitFor, waitForMails,
} from '../mail/lib.mjs';

const uniq = () => randomBytes(5).toString('hex');
const admin = tokenFor('administradora', { sub: 'admin-mail-tests' });
let sink;
let inst;

before(async () => {
  sink = await startSink();
  inst = await startMailInstance(sink.port);
});

after(async () => {
  if (inst) await stopInstance(inst);
  if (sink) await sink.stop();
  if (sink) removeDir(sink.dir);
});

const on = (method, path, opts = {}) => api(method, path, { ...opts, base: inst.base });
const login = (email, password) => on('POST', '/api/v1/auth/token', { body: { email, password } });

/** Registers email and follows its verification link; returns the account's id. */
async function verifiedAccount(email, password) {
  assert.equal((await on('POST', '/api/v1/auth/register', { body: { email, password, name: 'Vecina' } })).status, 202);
  const [mail] = await waitForMails(sink.dir, email);
  const { token } = linkOf(mail, inst.base);
  assert.equal((await on('POST', '/api/v1/auth/verify', { body: { token } })).status, 204);
  return Number(sql(`SELECT id FROM users WHERE email = '${email}'`));
}

test('registration with mail: 202, no login until the verification link (Spanish, text and HTML, stable Message-ID) is followed once', async () => {
  const email = `verifica.${uniq()}@example.org`;
  const res = await on('POST', '/api/v1/auth/register', { body: { email, password: 'una clave bastante larga', name: 'María Quishpe' } });
  assert.equal(res.status, 202, res.text);
  assert.deepEqual(res.json, { email, verification: 'mail' });
  assertProblem(await login(email, 'una clave bastante larga'), 403, 'account_not_verified');
  assertProblem(await login(email, 'otra clave cualquiera'), 401, 'bad_credentials');

  const [mail] = await waitForMails(sink.dir, email);
  assert.equal(mail.subject, 'Confirme su cuenta en Rendición');
  assert.equal(mail.headers.from, MAIL_FROM);
  assert.equal(mail.headers['x-sink-from'], 'no-reply@valle.example.ec');
  assert.match(mail.text, /^Hola María Quishpe:/);
  assert.match(mail.text, /Vale por 7 días y una sola vez/);
  assert.match(mail.html, /<html lang="es">/);
  const { url, token } = linkOf(mail, inst.base);
  assert.match(token, /^[0-9a-f]{64}$/);
  assert.ok(mail.html.includes(url.replace('&', '&amp;')), 'the HTML part carries the same link');
  // The Message-ID is the outbox row's, and the token is stored only hashed; once sent,
  // the row no longer holds it either.
  const row = JSON.parse(sql(`SELECT json_build_object('id', message_id, 'status', status, 'payload', payload) FROM outbox o JOIN users u ON u.id = o.user_id WHERE u.email = '${email}'`));
  assert.equal(mail.headers['message-id'], `<${row.id}@127.0.0.1>`);
  assert.equal(row.status, 'sent');
  assert.deepEqual(row.payload, {});
  assert.equal(sql(`SELECT count(*) FROM account_tokens WHERE token_hash = encode(sha256('${token}'::bytea), 'hex')`), '1');

  // The link opens the portal, which posts the token.
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  assert.equal((await on('POST', '/api/v1/auth/verify', { body: { token } })).status, 204);
  assertProblem(await on('POST', '/api/v1/auth/verify', { body: { token } }), 422, 'invalid_account_token');
  assert.equal((await login(email, 'una clave bastante larga')).status, 200);
});

test('registering a known email answers the same, makes no second account and mails the owner', async () => {
  const email = `conocida.${uniq()}@example.org`;
  const first = await on('POST', '/api/v1/auth/register', { body: { email, password: 'la primera clave larga', name: 'Dueña' } });
  await waitForMails(sink.dir, email);
  const again = await on('POST', '/api/v1/auth/register', { body: { email: email.toUpperCase(), password: 'la segunda clave larga', name: 'Otra' } });
  assert.equal(again.status, first.status);
  assert.deepEqual(again.json, first.json);
  assert.equal(sql(`SELECT count(*) FROM users WHERE email = '${email}'`), '1');
  const list = await waitForMails(sink.dir, email, (l) => l.length === 2);
  assert.equal(list[1].subject, 'Ya tiene una cuenta en Rendición');
  assert.match(list[1].text, /No se creó otra/);
  assert.equal(linkOf(list[1], inst.base).token, null);
});

test('a verification token that is unknown or malformed gets 422 at /token', async () => {
  for (const token of ['0'.repeat(64), 'x']) {
    const res = await on('POST', '/api/v1/auth/verify', { body: { token } });
    assertProblem(res, 422, 'invalid_account_token');
    assert.deepEqual(res.json.errors.map((e) => e.pointer), ['/token']);
  }
  assertProblem(await on('POST', '/api/v1/auth/verify', { body: {} }), 422, 'validation_failed');
});

test('password reset: 202 for any email, a one-hour one-use link only to an account, the new password works and the old one not', async () => {
  const email = `olvido.${uniq()}@example.org`;
  await verifiedAccount(email, 'la clave olvidada 1');
  const nobody = `nadie.${uniq()}@example.org`;
  const none = await on('POST', '/api/v1/auth/password-reset', { body: { email: nobody } });
  const some = await on('POST', '/api/v1/auth/password-reset', { body: { email: ` ${email.toUpperCase()} ` } });
  assert.equal(none.status, 202);
  assert.equal(some.status, 202);
  assert.deepEqual(none.json, some.json);
  const list = await waitForMails(sink.dir, email, (l) => l.length === 2);
  const mail = list[1];
  assert.equal(mail.subject, 'Restablezca su contraseña de Rendición');
  assert.match(mail.text, /Vale por 1 hora y una sola vez/);
  assert.equal(mails(sink.dir).filter((m) => m.to === nobody).length, 0, 'no mail to an address without an account');
  assert.equal(sql(`SELECT count(*) FROM outbox WHERE payload::text LIKE '%${nobody}%'`), '0');
  const { url, token } = linkOf(mail, inst.base);
  assert.match(url, /\?accion=restablecer&token=/);
  assert.equal((await fetch(url)).status, 200);

  const weak = await on('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: '1234567890' } });
  assertProblem(weak, 422, 'validation_failed');
  assert.deepEqual(weak.json.errors.map((e) => e.pointer), ['/password']);
  assert.equal((await on('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'la clave nueva de hoy' } })).status, 204);
  assertProblem(await on('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'otra clave nueva más' } }), 422, 'invalid_account_token');
  assertProblem(await login(email, 'la clave olvidada 1'), 401, 'bad_credentials');
  assert.equal((await login(email, 'la clave nueva de hoy')).status, 200);
});

test('a reset link older than an hour, or superseded by a newer one, no longer works', async () => {
  const email = `caduca.${uniq()}@example.org`;
  await verifiedAccount(email, 'la clave que caduca');
  await on('POST', '/api/v1/auth/password-reset', { body: { email } });
  const first = linkOf((await waitForMails(sink.dir, email, (l) => l.length === 2))[1], inst.base).token;
  await on('POST', '/api/v1/auth/password-reset', { body: { email } });
  const second = linkOf((await waitForMails(sink.dir, email, (l) => l.length === 3))[2], inst.base).token;
  assertProblem(await on('POST', '/api/v1/auth/password-reset/confirm', { body: { token: first, password: 'una clave de reemplazo' } }), 422, 'invalid_account_token');
  sql(`UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = encode(sha256('${second}'::bytea), 'hex')`);
  assertProblem(await on('POST', '/api/v1/auth/password-reset/confirm', { body: { token: second, password: 'una clave de reemplazo' } }), 422, 'invalid_account_token');
  assert.equal((await login(email, 'la clave que caduca')).status, 200);
});

test('the author of an observation sent online gets a mail quoting the answer when it is answered', async () => {
  const email = `autora.${uniq()}@example.org`;
  const id = await verifiedAccount(email, 'la clave de la autora');
  const token = (await login(email, 'la clave de la autora')).json.access_token;
  const planId = await importSeedCopy('Plan con respuestas por correo', (d) => ({ ...d, status: 'approved' }), admin);
  const axis = (await api('GET', `/api/v1/plans/${planId}`, { token: admin })).json.axes[0].id;
  const obs = await on('POST', `/api/v1/axes/${axis}/observations`, {
    token, body: { kind: 'contribution', body: 'Poner rampas en la acera de la escuela <Fiscal> & el parque.' },
  });
  assert.equal(obs.status, 201, obs.text);
  const answer = 'Se incluirá en el cronograma del segundo semestre.';
  const res = await on('PATCH', `/api/v1/observations/${obs.json.id}`, { token: admin, body: { status: 'accepted', response: answer } });
  assert.equal(res.status, 200, res.text);
  const list = await waitForMails(sink.dir, email, (l) => l.length === 2);
  const mail = list[1];
  assert.equal(mail.subject, 'Su aporte ciudadano recibió respuesta');
  assert.match(mail.text, /Su aporte n\.º \d+ al Plan de Trabajo 2024 \(Plan con respuestas por correo [^)]*\) fue aceptado\./);
  assert.ok(mail.text.includes('Poner rampas en la acera de la escuela <Fiscal> & el parque.'));
  assert.ok(mail.text.includes(`Respuesta:\n\n${answer}`));
  assert.ok(mail.html.includes('&lt;Fiscal&gt; &amp; el parque'), 'the HTML part escapes the citizen\'s text');
  assert.equal(Number(sql(`SELECT user_id FROM outbox WHERE event = 'observation.answered' AND payload->>'observation_id' = '${obs.json.id}'`)), id);
});

test('/metrics counts the mail sent', async () => {
  const text = await (await fetch(`${inst.base}/metrics`)).text();
  const sent = Number(/^outbox_attempts_total\{channel="mail",outcome="sent"\} (\d+)$/m.exec(text)?.[1]);
  assert.ok(sent >= 5, text.split('\n').filter((l) => l.startsWith('outbox')).join('\n'));
  assert.match(text, /^outbox_pending\{channel="mail"\} \d+$/m);
});

test('OUTBOX_MAX_ATTEMPTS=2 and no mail server: the message goes dead with its error, and /metrics says so', async () => {
  await stopInstance(inst);
  inst = null;
  const closed = await freePort();
  const dead = await startMailInstance(closed, { OUTBOX_MAX_ATTEMPTS: '2' });
  try {
    const email = `muerta.${uniq()}@example.org`;
    assert.equal((await api('POST', '/api/v1/auth/register', { base: dead.base, body: { email, password: 'una clave sin correo', name: 'X' } })).status, 202);
    const row = await waitFor(() => {
      const r = JSON.parse(sql(`SELECT json_build_object('status', o.status, 'attempts', o.attempts, 'error', o.last_error, 'payload', o.payload) FROM outbox o JOIN users u ON u.id = o.user_id WHERE u.email = '${email}'`));
      return r.status === 'dead' ? r : null;
    }, 20000, 'the message to go dead');
    assert.equal(row.attempts, 2);
    assert.match(row.error, /connect/i);
    assert.deepEqual(row.payload, {}, 'a dead message keeps no token');
    const text = await (await fetch(`${dead.base}/metrics`)).text();
    assert.match(text, /^outbox_attempts_total\{channel="mail",outcome="dead"\} 1$/m);
    assert.match(text, /^outbox_attempts_total\{channel="mail",outcome="failed"\} 2$/m);
  } finally {
    await stopInstance(dead);
  }
});
