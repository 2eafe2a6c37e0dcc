// Webhooks: subscriptions (administradora), deliveries from the transactional outbox to
// a real HTTP receiver (Node's http), signed per Standard Webhooks and checked here with
// an independent HMAC (Node's crypto), retried after a failure with the same webhook-id,
// and listed with each attempt. The suite's instance runs with WEBHOOK_ALLOW_PRIVATE=1
// (tests/integration/run.sh): the receiver listens on 127.0.0.1.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { activityId, api, assertProblem, importSeedCopy, sql, tokenFor } from './lib.mjs';
import { startReceiver, waitFor } from '../mail/lib.mjs';

const admin = tokenFor('administradora', { sub: 'admin-webhook-tests' });
const ALL = ['observation.answered', 'progress.reported', 'plan.approved', 'plan.amended', 'plan.closed'];
let receiver;
let hook;
const failOnce = new Set();   // webhook-ids whose first delivery gets a 500

before(async () => {
  receiver = await startReceiver((r) => {
    const id = r.headers['webhook-id'];
    if (JSON.parse(r.body).data.note === 'falla la primera vez' && !failOnce.has(id)) {
      failOnce.add(id);
      return 500;
    }
    return 200;
  });
  const res = await api('POST', '/api/v1/webhooks', { token: admin, body: { url: receiver.url, events: ALL } });
  assert.equal(res.status, 201, res.text);
  hook = res.json;
});

after(async () => {
  if (hook) await api('DELETE', `/api/v1/webhooks/${hook.id}`, { token: admin });
  await receiver?.close();
});

/** The receiver's deliveries of event type for plan planId. */
function receivedFor(type, planId) {
  return receiver.received.filter((r) => {
    const body = JSON.parse(r.body);
    return body.type === type && body.data.plan_id === planId;
  });
}

/** Standard Webhooks verification, written from the specification. */
function verify(r, secret) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const id = r.headers['webhook-id'];
  const ts = r.headers['webhook-timestamp'];
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${r.body}`).digest();
  return r.headers['webhook-signature'].split(' ').some((s) => {
    const [v, sig] = s.split(',');
    const got = Buffer.from(sig ?? '', 'base64');
    return v === 'v1' && got.length === expected.length && timingSafeEqual(got, expected);
  });
}

test('POST /webhooks answers 201 with Location and the secret once; GET never shows it again', async () => {
  assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.deepEqual(hook.events, [...ALL].sort());
  assert.equal(hook.url, receiver.url);
  const one = await api('GET', `/api/v1/webhooks/${hook.id}`, { token: admin });
  assert.equal(one.status, 200);
  assert.equal(one.json.secret, undefined);
  const list = await api('GET', '/api/v1/webhooks?limit=200', { token: admin });
  assert.equal(list.status, 200);
  const mine = list.json.items.find((w) => w.id === hook.id);
  assert.deepEqual(Object.keys(mine).sort(), ['created_at', 'events', 'id', 'url']);
  assert.ok(!JSON.stringify(list.json).includes('whsec_'));
});

test('a plan approved, reported on, amended, answered and closed: each event reaches the receiver, signed', async () => {
  const planId = await importSeedCopy('Plan con webhooks', (d) => ({ ...d, status: 'draft', approved_by: null }), admin);
  const approve = await api('POST', `/api/v1/plans/${planId}/approve`, { token: admin, body: { name: 'Ana Pérez', position: 'Administradora Zonal' } });
  assert.equal(approve.status, 200, approve.text);
  const act = activityId(planId, 1, 1);
  const upd = await api('POST', `/api/v1/activities/${act}/updates`, {
    token: admin, body: { progress: 40, note: 'Talleres iniciados', evidence_url: 'https://www.quito.gob.ec/evidencia.pdf' },
  });
  assert.equal(upd.status, 201, upd.text);
  const amend = await api('PATCH', `/api/v1/activities/${act}`, { token: admin, body: { due_month: 11, reason: 'La fecha se movió por las lluvias' } });
  assert.equal(amend.status, 200, amend.text);
  const citizen = tokenFor('ciudadanos', { sub: 'webhook-citizen' });
  const axis = (await api('GET', `/api/v1/plans/${planId}`, { token: admin })).json.axes[0].id;
  const obs = await api('POST', `/api/v1/axes/${axis}/observations`, { token: citizen, body: { kind: 'observation', body: 'Más luminarias en el parque.' } });
  assert.equal(obs.status, 201, obs.text);
  assert.equal((await api('PATCH', `/api/v1/observations/${obs.json.id}`, { token: admin, body: { status: 'rejected', response: 'Ya están instaladas.' } })).status, 200);
  assert.equal((await api('POST', `/api/v1/plans/${planId}/close`, { token: admin })).status, 200);

  for (const type of ALL) {
    await waitFor(() => receivedFor(type, planId).length > 0, 30000, `${type} for plan ${planId}`);
  }
  for (const type of ALL) {
    const [r] = receivedFor(type, planId);
    assert.equal(receivedFor(type, planId).length, 1, `${type} once`);
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/hooks/rendicion');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.match(r.headers['webhook-id'], /^msg_[0-9a-f]{32}$/);
    assert.ok(Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000) < 120);
    assert.ok(verify(r, hook.secret), `${type}: the signature verifies`);
    assert.ok(!verify(r, `whsec_${Buffer.alloc(32, 7).toString('base64')}`), 'another secret does not');
    const body = JSON.parse(r.body);
    assert.equal(body.type, type);
    assert.match(body.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  }
  const data = (type) => JSON.parse(receivedFor(type, planId)[0].body).data;
  assert.equal(data('progress.reported').progress, 40);
  assert.equal(data('progress.reported').activity_id, act);
  assert.equal(data('progress.reported').author_sub, undefined, 'the reporter stays private');
  assert.equal(data('plan.amended').version, 2);
  assert.equal(data('plan.amended').reason, 'La fecha se movió por las lluvias');
  assert.equal(data('observation.answered').status, 'rejected');
  assert.equal(data('observation.answered').response, 'Ya están instaladas.');
  assert.equal(data('plan.approved').status, 'approved');
  assert.equal(data('plan.closed').status, 'closed');

  // The deliveries list shows each, with the webhook-id the receiver saw.
  const list = await api('GET', `/api/v1/webhooks/${hook.id}/deliveries?limit=200`, { token: admin });
  assert.equal(list.status, 200, list.text);
  const sent = list.json.items.filter((d) => d.payload.data.plan_id === planId);
  assert.deepEqual(sent.map((d) => d.event).sort(), [...ALL].sort());
  for (const d of sent) {
    assert.equal(d.status, 'sent');
    assert.equal(d.attempts, 1);
    assert.equal(d.tries.length, 1);
    assert.equal(d.tries[0].http_status, 200);
    assert.equal(receivedFor(d.event, planId)[0].headers['webhook-id'], d.message_id);
  }
});

test('a failed delivery is retried with the same webhook-id, and the list shows both attempts', async () => {
  const planId = await importSeedCopy('Plan con reintento', (d) => ({ ...d, status: 'approved' }), admin);
  const upd = await api('POST', `/api/v1/activities/${activityId(planId, 2, 1)}/updates`, {
    token: admin, body: { progress: 10, note: 'falla la primera vez' },
  });
  assert.equal(upd.status, 201, upd.text);
  await waitFor(() => receivedFor('progress.reported', planId).length === 2, 30000, 'the retry');
  const [first, second] = receivedFor('progress.reported', planId);
  assert.equal(first.headers['webhook-id'], second.headers['webhook-id']);
  assert.equal(first.body, second.body);
  assert.ok(verify(second, hook.secret));
  const d = await waitFor(async () => {
    const list = await api('GET', `/api/v1/webhooks/${hook.id}/deliveries?limit=200`, { token: admin });
    const it = list.json.items.find((x) => x.payload.data.plan_id === planId);
    return it?.status === 'sent' ? it : null;
  }, 10000, 'the delivery to be recorded as sent');
  assert.equal(d.attempts, 2);
  assert.deepEqual(d.tries.map((t) => t.http_status), [500, 200]);
  assert.equal(d.tries[0].error, 'HTTP 500');
  assert.equal(d.tries[1].error, null);
  assert.equal(d.last_error, null);
});

test('subscriptions refuse bad URLs and events with pointers; delete is 204 then 404', async () => {
  const bad = await api('POST', '/api/v1/webhooks', {
    token: admin, body: { url: 'https://alguien@example.org/hook', events: ['plan.approved', 'plan.deleted'] },
  });
  assertProblem(bad, 422, 'validation_failed');
  assert.deepEqual(bad.json.errors.map((e) => e.pointer).sort(), ['/events/1', '/url']);
  for (const events of [[], 'plan.approved', [1]]) {
    assertProblem(await api('POST', '/api/v1/webhooks', { token: admin, body: { url: 'https://example.org/h', events } }), 422, 'validation_failed');
  }
  assertProblem(await api('POST', '/api/v1/webhooks', { token: admin, body: { url: 'ftp://example.org/h', events: ['plan.closed'] } }), 422, 'validation_failed');
  const made = await api('POST', '/api/v1/webhooks', { token: admin, body: { url: 'https://example.org/h', events: ['plan.closed'] } });
  assert.equal(made.status, 201);
  assert.equal(made.headers.get('location'), `/api/v1/webhooks/${made.json.id}`);
  assert.equal((await api('DELETE', `/api/v1/webhooks/${made.json.id}`, { token: admin })).status, 204);
  assertProblem(await api('DELETE', `/api/v1/webhooks/${made.json.id}`, { token: admin }), 404, 'webhook_not_found');
  assertProblem(await api('GET', `/api/v1/webhooks/${made.json.id}`, { token: admin }), 404, 'webhook_not_found');
  assertProblem(await api('GET', `/api/v1/webhooks/${made.json.id}/deliveries`, { token: admin }), 404, 'webhook_not_found');
  assert.equal(sql(`SELECT count(*) FROM outbox WHERE webhook_id = ${made.json.id}`), '0');
});

test('only the administradora manages webhooks', async () => {
  for (const role of ['ciudadanos', 'directores']) {
    assertProblem(await api('GET', '/api/v1/webhooks', { token: tokenFor(role, { unit_id: role === 'directores' ? 1 : undefined }) }), 403, 'role_forbidden');
  }
  assertProblem(await api('GET', `/api/v1/webhooks/${hook.id}/deliveries`), 401, 'token_required');
});

test('/metrics counts webhook deliveries', async () => {
  const text = await (await api('GET', '/metrics')).text;
  assert.ok(Number(/^outbox_attempts_total\{channel="webhook",outcome="sent"\} (\d+)$/m.exec(text)?.[1]) >= 6);
  assert.ok(Number(/^outbox_attempts_total\{channel="webhook",outcome="failed"\} (\d+)$/m.exec(text)?.[1]) >= 1);
});
