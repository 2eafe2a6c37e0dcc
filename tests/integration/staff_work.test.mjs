// Staff work (openapi/openapi.yaml: the inbox and /search): the plan-wide inbox with its
// filters, sorts and keyset pages; one-step answers and corrections of a response.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, assertProblem, tokenFor, sql, importSeedPlan, withStatus } from './lib.mjs';

const ADMIN = tokenFor('administradora', { sub: 'staff-admin@example.org' });
const DIRECTOR = tokenFor('directores', { sub: 'staff-director@example.org', unit_id: 1 });
const citizen = () => {
  const sub = `staff-cit-${randomUUID()}`;
  return { sub, token: tokenFor('ciudadanos', { sub }) };
};

async function importPlan(status = 'approved') {
  const plan = await importSeedPlan(`Plan de bandeja ${status}`, withStatus(status), ADMIN);
  return { id: plan.id, axes: plan.axes.map((a) => a.id) };
}

async function submit(axis, token, body = 'Una observación de la bandeja', kind = 'observation') {
  const res = await api('POST', `/api/v1/axes/${axis}/observations`, {
    token, body: { kind, body }, headers: { 'idempotency-key': randomUUID() },
  });
  assert.equal(res.status, 201, res.text.slice(0, 300));
  return res.json;
}

const answer = (id, status, response) =>
  api('PATCH', `/api/v1/observations/${id}`, { token: DIRECTOR, body: response === undefined ? { status } : { status, response } });

async function pages(path, token, limit = 2, during) {
  const ids = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await api('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    ids.push(...res.json.items.map((o) => o.id));
    if (during) await during(i);
    cursor = res.json.next_cursor;
    if (cursor === null) return ids;
  }
  throw new Error('no end');
}

let plan;
let obs;          // in submission order
let who;
before(async () => {
  plan = await importPlan();
  who = citizen();
  obs = [];
  for (const [i, axis] of [plan.axes[0], plan.axes[1], plan.axes[0], plan.axes[1], plan.axes[0]].entries()) {
    obs.push(await submit(axis, who.token, `Observación número ${i}`, i === 3 ? 'contribution' : 'observation'));
  }
});

test('staff see the whole plan, filtered by axis, kind, status and source', async () => {
  // The imported plan brings its deliberation's items; the online ones are this test's.
  const all = await api('GET', `/api/v1/plans/${plan.id}/observations?source=online`, { token: DIRECTOR });
  assert.equal(all.status, 200, all.text);
  assert.deepEqual(all.json.items.map((o) => o.id), obs.map((o) => o.id));
  assert.equal(all.json.next_cursor, null);
  const axis0 = await api('GET', `/api/v1/plans/${plan.id}/observations?source=online&axis_id=${plan.axes[0]}`, { token: DIRECTOR });
  assert.deepEqual(axis0.json.items.map((o) => o.id), [obs[0].id, obs[2].id, obs[4].id]);
  const contrib = await api('GET', `/api/v1/plans/${plan.id}/observations?source=online&kind=contribution`, { token: DIRECTOR });
  assert.deepEqual(contrib.json.items.map((o) => o.id), [obs[3].id]);
  const delib = await api('GET', `/api/v1/plans/${plan.id}/observations?source=deliberation&limit=200`, { token: DIRECTOR });
  assert.ok(delib.json.items.every((o) => o.source === 'deliberation' && !obs.some((x) => x.id === o.id)));
  const received = await api('GET', `/api/v1/plans/${plan.id}/observations?source=online&status=received&incorporated=false`, { token: DIRECTOR });
  assert.equal(received.json.items.length, 5);
  assertProblem(await api('GET', `/api/v1/plans/${plan.id}/observations?sort=due_month`, { token: DIRECTOR }), 400, 'invalid_parameter');
  assertProblem(await api('GET', `/api/v1/plans/${plan.id}/observations?axis_id=x`, { token: DIRECTOR }), 400, 'invalid_parameter');
});

test('a query value that is not UTF-8 is 400 invalid_parameter naming it, for staff and public', async () => {
  const bad = [['q=%FF', 'q'], ['q=ab%C3', 'q'], ['q=%C3%28x', 'q'], ['q=%ED%A0%80', 'q'],
    ['source=online&q=%C0%AF', 'q'], ['q=agua&status=%FF', 'status']];
  for (const [query, name] of bad) {
    for (const token of [DIRECTOR, undefined]) {
      const res = await api('GET', `/api/v1/plans/${plan.id}/observations?${query}`, { token });
      const p = assertProblem(res, 400, 'invalid_parameter');
      assert.deepEqual(p.errors, [{ pointer: `/query/${name}`, message: p.detail }], `${query}: ${res.text}`);
    }
  }
  // The same text well encoded is searched.
  const ok = await api('GET', `/api/v1/plans/${plan.id}/observations?q=%C3%B1`, { token: DIRECTOR });
  assert.equal(ok.status, 200, ok.text.slice(0, 300));
});

test('the public sees only answered ones, a citizen also their own; a draft plan is 404', async () => {
  const mine = await submit(plan.axes[1], who.token, 'Otra más');
  const other = citizen();
  const theirs = await submit(plan.axes[1], other.token, 'La de otra persona');
  assert.equal((await answer(theirs.id, 'rejected', 'No corresponde.')).status, 200);
  const pub = await api('GET', `/api/v1/plans/${plan.id}/observations?source=online`);
  assert.deepEqual(pub.json.items.map((o) => o.id), [theirs.id]);
  assert.ok(pub.json.items.every((o) => !('author_sub' in o)));
  const own = await api('GET', `/api/v1/plans/${plan.id}/observations?source=online`, { token: who.token });
  assert.deepEqual(own.json.items.map((o) => o.id), [...obs.map((o) => o.id), mine.id, theirs.id]);
  const draft = await importPlan('draft');
  assertProblem(await api('GET', `/api/v1/plans/${draft.id}/observations`), 404, 'plan_not_found');
  assert.equal((await api('GET', `/api/v1/plans/${draft.id}/observations`, { token: DIRECTOR })).status, 200);
});

test('every sort pages to the end with no item twice or missing while new ones arrive', async () => {
  const p = await importPlan();
  const before = [];
  for (let i = 0; i < 7; i++) before.push((await submit(p.axes[i % 2], citizen().token, `Texto ${i}`)).id);
  for (const sort of ['created_at', '-created_at', 'number']) {
    const arrived = [];
    const ids = await pages(`/api/v1/plans/${p.id}/observations?sort=${sort}&source=online`, DIRECTOR, 2,
      async () => { arrived.push((await submit(p.axes[0], citizen().token, `Llega durante ${sort}`)).id); });
    assert.equal(new Set(ids).size, ids.length, `${sort}: no item twice`);
    for (const id of before) assert.ok(ids.includes(id), `${sort}: ${id} present`);
    const list = (await api('GET', `/api/v1/plans/${p.id}/observations?sort=${sort}&source=online&limit=200`, { token: DIRECTOR })).json.items;
    const order = list.map((o) => o.id);
    assert.deepEqual(ids.filter((id) => order.includes(id)), order.filter((id) => ids.includes(id)),
      `${sort}: the pages follow the sort`);
    const inAxis = (await api('GET', `/api/v1/plans/${p.id}/observations?sort=${sort}&source=online&axis_id=${p.axes[1]}&limit=200`, { token: DIRECTOR })).json.items;
    assert.ok(inAxis.length >= 3, `${sort}: the second axis has its own`);
    assert.deepEqual(inAxis.map((o) => o.id), list.filter((o) => o.axis_id === p.axes[1]).map((o) => o.id),
      `${sort}: one axis's, in the same order`);
    if (sort === 'number') {
      const nums = list.map((o) => o.number);
      assert.deepEqual(nums, [...nums].sort((a, b) => a - b));
    }
    if (sort === '-created_at') {
      const ts = list.map((o) => o.created_at);
      assert.deepEqual(ts, [...ts].sort().reverse());
    }
  }
});

test('staff answer in one step and correct a response; the audit log keeps each version', async () => {
  const o = await submit(plan.axes[0], citizen().token, 'Para responder de una vez');
  const first = await answer(o.id, 'accepted', 'Se incluirá en el plan.');
  assert.equal(first.status, 200, first.text);
  assert.equal(first.json.status, 'accepted');
  const fixed = await answer(o.id, 'accepted', 'Se incluirá en el plan del eje 1.');
  assert.equal(fixed.status, 200, fixed.text);
  assert.equal(fixed.json.response, 'Se incluirá en el plan del eje 1.');
  assertProblem(await answer(o.id, 'rejected', 'No.'), 409, 'illegal_transition');
  const versions = sql(`SELECT string_agg(after->>'response', '|' ORDER BY id) FROM audit_log
                        WHERE entity = 'observation' AND entity_id = ${o.id} AND action = 'update'`);
  assert.equal(versions, 'Se incluirá en el plan.|Se incluirá en el plan del eje 1.');
  const r = await submit(plan.axes[0], citizen().token, 'Para rechazar');
  assertProblem(await answer(r.id, 'rejected'), 422, 'response_required');
  assert.equal((await answer(r.id, 'rejected', 'Fuera de competencia.')).status, 200);
  assertProblem(await answer(r.id, 'rejected', '  '), 422, 'response_required');
});

test('an online observation is due ANSWER_DAYS after submission, and overdue until answered', async () => {
  const p = await importPlan();
  const o = await submit(p.axes[0], citizen().token, 'Con plazo de respuesta');
  const due = Date.parse(o.answer_due) - Date.parse(o.created_at);
  assert.equal(due, 15 * 86400 * 1000, `answer_due 15 days after: ${o.answer_due}`);
  assert.equal(o.answer_overdue, false);
  const late = await submit(p.axes[0], citizen().token, 'Vencida sin respuesta');
  const answered = await submit(p.axes[0], citizen().token, 'Vencida pero respondida');
  sql(`UPDATE observations SET answer_due = now() - interval '1 day' WHERE id IN (${late.id}, ${answered.id})`);
  assert.equal((await answer(answered.id, 'accepted', 'Atendida.')).status, 200);
  const staffRecorded = await api('POST', `/api/v1/axes/${p.axes[0]}/observations`, { token: DIRECTOR, body: { kind: 'observation', body: 'De la deliberación' } });
  assert.equal(staffRecorded.json.answer_due, null);
  assert.equal(staffRecorded.json.answer_overdue, false);
  const overdue = await api('GET', `/api/v1/plans/${p.id}/observations?answer_overdue=true`, { token: DIRECTOR });
  assert.deepEqual(overdue.json.items.map((x) => [x.id, x.answer_overdue]), [[late.id, true]]);
  const notOverdue = await api('GET', `/api/v1/plans/${p.id}/observations?answer_overdue=false&source=online`, { token: DIRECTOR });
  assert.deepEqual(notOverdue.json.items.map((x) => x.id), [o.id, answered.id]);
});

test('staff assign an observation to a unit; the unit_id filter is its queue', async () => {
  const p = await importPlan();
  const o = await submit(p.axes[0], citizen().token, 'Para la unidad de ambiente');
  const other = await submit(p.axes[0], citizen().token, 'Sin asignar');
  const made = await api('POST', '/api/v1/units', { token: ADMIN, body: { name: `Unidad bandeja ${randomUUID()}` } });
  assert.equal(made.status, 201, made.text);
  const unit = made.json.id;
  const res = await answer(o.id, undefined, undefined);
  assertProblem(res, 422, 'validation_failed'); // an empty body changes nothing
  const set = await api('PATCH', `/api/v1/observations/${o.id}`, { token: DIRECTOR, body: { unit_id: unit } });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.unit_id, unit);
  assert.equal(set.json.status, 'received');
  const queue = await api('GET', `/api/v1/plans/${p.id}/observations?unit_id=${unit}`, { token: DIRECTOR });
  assert.deepEqual(queue.json.items.map((x) => x.id), [o.id]);
  assertProblem(await api('PATCH', `/api/v1/observations/${o.id}`, { token: DIRECTOR, body: { unit_id: 999999999 } }), 422, 'unknown_unit');
  const bad = await api('PATCH', `/api/v1/observations/${o.id}`, { token: DIRECTOR, body: { response: 'Sin estado' } });
  assert.deepEqual(assertProblem(bad, 422, 'validation_failed').errors.map((e) => e.pointer), ['/status']);
  assertProblem(await api('PATCH', `/api/v1/observations/${other.id}`, { token: citizen().token, body: { unit_id: unit } }), 403, 'role_forbidden');
  const cleared = await api('PATCH', `/api/v1/observations/${o.id}`, { token: DIRECTOR, body: { unit_id: null } });
  assert.equal(cleared.json.unit_id, null);
});

test('q is Spanish full-text search: accents, case and stemming aside', async () => {
  const p = await importPlan();
  const vac = await submit(p.axes[0], citizen().token, 'Vacunación para animales de la calle');
  const alarm = await submit(p.axes[0], citizen().token, 'Instalar alarmas comunitarias en los barrios');
  const ord = await submit(p.axes[0], citizen().token, 'Socializar la Ordenanza No. 038');
  const hidden = await submit(p.axes[0], citizen().token, 'Vacunación en las escuelas');
  assert.equal((await answer(ord.id, 'accepted', 'Se socializará.')).status, 200);
  const found = async (q, token = DIRECTOR) => (await api('GET',
    `/api/v1/plans/${p.id}/observations?source=online&q=${encodeURIComponent(q)}`, token ? { token } : {})).json.items.map((o) => o.id);
  assert.deepEqual(await found('vacunacion'), [vac.id, hidden.id]);
  assert.deepEqual(await found('VACUNACIÓN calle'), [vac.id]);
  assert.deepEqual(await found('alarma'), [alarm.id]);
  assert.deepEqual(await found('ordenanzas'), [ord.id]);
  assert.deepEqual(await found('socializará'), [ord.id]); // the response too
  // The public finds only what it may read: answered ones.
  assert.deepEqual(await found('vacunacion', null), []);
  assert.deepEqual(await found('ordenanza', null), [ord.id]);
  assert.equal(sql(`SELECT count(*) FROM pg_indexes WHERE indexname = 'observations_search'`), '1');
});

test('a citizen directs an observation at one activity of the axis (activity_id), else 422', async () => {
  const p = await importPlan();
  const [act0, act1] = [0, 1].map((i) => Number(sql(
    `SELECT id FROM activities WHERE axis_id = ${p.axes[i]} ORDER BY number LIMIT 1`)));
  const who = citizen();
  const send = (axis, activity_id) => api('POST', `/api/v1/axes/${axis}/observations`, {
    token: who.token, headers: { 'idempotency-key': randomUUID() },
    body: { kind: 'observation', body: 'Sobre esta actividad en particular', activity_id },
  });
  const res = await send(p.axes[0], act0);
  assert.equal(res.status, 201, res.text.slice(0, 300));
  assert.equal(res.json.activity_id, act0);
  assert.equal((await api('GET', `/api/v1/observations/${res.json.id}`, { token: who.token })).json.activity_id, act0);
  assert.equal((await submit(p.axes[0], who.token)).activity_id, null);
  const none = await send(p.axes[0], null);
  assert.equal(none.status, 201);
  assert.equal(none.json.activity_id, null);
  for (const bad of [act1, 999999999]) {
    const r = await send(p.axes[0], bad);
    assert.deepEqual(assertProblem(r, 422, 'activity_other_axis').errors.map((e) => e.pointer), ['/activity_id']);
  }
  for (const bad of ['1', 0, -3, 1.5]) {
    const r = await send(p.axes[0], bad);
    assert.deepEqual(assertProblem(r, 422, 'validation_failed').errors.map((e) => e.pointer), ['/activity_id']);
  }
});
