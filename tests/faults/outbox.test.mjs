// The outbox under faults, with the real SMTP sink (tests/mail/): the mail server down and
// back (the mail waits and goes out), the sending instance SIGKILLed in the middle of a
// delivery and another started (every message delivered at least once, the interrupted
// one again with the same Message-ID), and two instances sharing the work (each message
// once). The suite's own instance sends no mail (no SMTP_URL), so mail here goes only
// through the instances these tests start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { activityId, api, freePort, importSeedCopy, sql, tokenFor } from '../integration/lib.mjs';
import {
  mails, removeDir, startMailInstance, startReceiver, startSink, stopInstance, waitFor, waitForMails,
} from '../mail/lib.mjs';

const uniq = () => randomBytes(5).toString('hex');
const admin = tokenFor('administradora', { sub: 'admin-outbox-faults' });

function register(inst, email) {
  return api('POST', '/api/v1/auth/register', { base: inst.base, body: { email, password: 'una clave para fallas', name: 'Falla' } });
}

function rowOf(email) {
  return JSON.parse(sql(`SELECT json_build_object('status', o.status, 'attempts', o.attempts, 'error', o.last_error, 'message_id', o.message_id) FROM outbox o JOIN users u ON u.id = o.user_id WHERE u.email = '${email}' AND o.event = 'account.verify'`));
}

test('the mail server down: the verification mail waits, is retried, and goes out once the server is back', async () => {
  const port = await freePort();
  const inst = await startMailInstance(port);
  let sink;
  try {
    const email = `espera.${uniq()}@example.org`;
    assert.equal((await register(inst, email)).status, 202);
    const failed = await waitFor(() => { const r = rowOf(email); return r.attempts >= 1 ? r : null; }, 20000, 'a failed attempt');
    assert.equal(failed.status, 'pending');
    assert.match(failed.error, /connect/i);
    sink = await startSink(port);
    const [mail] = await waitForMails(sink.dir, email, undefined, 60000);
    assert.equal(mail.headers['message-id'], `<${failed.message_id}@127.0.0.1>`);
    const sent = await waitFor(() => { const r = rowOf(email); return r.status === 'sent' ? r : null; }, 10000, 'sent');
    assert.ok(sent.attempts >= 2);
    assert.equal(sent.error, null);
  } finally {
    await stopInstance(inst);
    if (sink) {
      await sink.stop();
      removeDir(sink.dir);
    }
  }
});

test('SIGKILL in the middle of a delivery, then a new instance: every mail is delivered, the interrupted one again with the same Message-ID', async () => {
  // The sink writes each message at once but acknowledges it 2 s later: the kill lands
  // after the message left and before the sender could record it.
  const sink = await startSink(undefined, undefined, 2);
  let inst = await startMailInstance(sink.port);
  try {
    const emails = Array.from({ length: 5 }, () => `corte.${uniq()}@example.org`);
    for (const e of emails) assert.equal((await register(inst, e)).status, 202);
    const first = await waitFor(() => mails(sink.dir)[0], 20000, 'the first message to reach the sink');
    inst.proc.kill('SIGKILL');
    assert.equal((await inst.exited).signal, 'SIGKILL');
    assert.equal(rowOf(first.to).status, 'pending', 'the interrupted delivery was not recorded');
    inst = await startMailInstance(sink.port);
    for (const e of emails) await waitFor(() => rowOf(e).status === 'sent', 60000, `the mail to ${e}`);
    const all = mails(sink.dir);
    for (const e of emails) {
      const got = all.filter((m) => m.to === e);
      assert.ok(got.length >= 1, `${e} got its mail`);
      assert.equal(new Set(got.map((m) => m.headers['message-id'])).size, 1, 'one Message-ID per message');
      assert.equal(got[0].headers['message-id'], `<${rowOf(e).message_id}@127.0.0.1>`);
    }
    assert.ok(all.filter((m) => m.to === first.to).length >= 2, 'the interrupted message was sent again');
  } finally {
    await stopInstance(inst);
    await sink.stop();
    removeDir(sink.dir);
  }
});

test('two instances share the outbox: each mail and each webhook event is delivered once', async () => {
  const sink = await startSink();
  const a = await startMailInstance(sink.port);
  const b = await startMailInstance(sink.port);
  const receiver = await startReceiver();
  const hook = await api('POST', '/api/v1/webhooks', { token: admin, body: { url: receiver.url, events: ['progress.reported'] } });
  assert.equal(hook.status, 201, hook.text);
  try {
    const planId = await importSeedCopy('Plan de dos instancias', (d) => ({ ...d, status: 'approved' }), admin);
    const acts = [1, 2, 3, 4].map((n) => activityId(planId, 1, n));
    await Promise.all(acts.flatMap((act, i) => [10, 20].map((progress) => api('POST', `/api/v1/activities/${act}/updates`, {
      base: (i % 2 ? a : b).base, token: admin, body: { progress, note: `Avance ${progress}` },
    }))));
    const emails = Array.from({ length: 12 }, () => `par.${uniq()}@example.org`);
    for (const [i, e] of emails.entries()) assert.equal((await register(i % 2 ? a : b, e)).status, 202);
    for (const e of emails) await waitFor(() => rowOf(e).status === 'sent', 60000, `the mail to ${e}`);
    const ours = () => receiver.received.filter((r) => JSON.parse(r.body).data.plan_id === planId);
    const deliveries = await waitFor(async () => {
      const list = (await api('GET', `/api/v1/webhooks/${hook.json.id}/deliveries?limit=200`, { token: admin })).json.items;
      return list.length === 8 && list.every((d) => d.status === 'sent') ? list : null;
    }, 30000, 'the 8 webhook events');
    // Anything sent twice would arrive within a sweep or two.
    await new Promise((r) => setTimeout(r, 2500));
    // Each event was claimed by one instance at a time: one successful attempt each, and
    // the receiver saw it once per attempt (a second attempt only after a failed one,
    // such as a timeout on a starved machine).
    assert.equal(new Set(ours().map((r) => r.headers['webhook-id'])).size, 8);
    for (const d of deliveries) {
      assert.equal(d.tries.filter((t) => t.error === null).length, 1, `${d.message_id}: one successful attempt`);
      assert.equal(ours().filter((r) => r.headers['webhook-id'] === d.message_id).length, d.tries.length);
    }
    const all = mails(sink.dir);
    for (const e of emails) {
      const got = all.filter((m) => m.to === e).length;
      assert.ok(got >= 1 && got <= rowOf(e).attempts, `${e}: ${got} mails for ${rowOf(e).attempts} attempts`);
    }
    assert.equal(all.length, emails.length, 'in the normal case, each mail once');
  } finally {
    await api('DELETE', `/api/v1/webhooks/${hook.json.id}`, { token: admin });
    await receiver.close();
    await stopInstance(a);
    await stopInstance(b);
    await sink.stop();
    removeDir(sink.dir);
  }
});
