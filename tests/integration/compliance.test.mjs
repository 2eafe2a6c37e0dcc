// Compliance figures: the seed plan as of several days, and how progress updates on an
// imported copy move the numbers (done, cancelled, averages, units counted per activity).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminToday, api, assertProblem, tokenFor, seedDocument, sql, seedPlanId, importSeedCopy, activityId } from './lib.mjs';

const admin = tokenFor('administradora', { sub: 'compliance-admin@example.org' });
const HABITAT = 'Dirección Zonal de Hábitat y Obra Pública';
const COUNT_KEYS = ['activities', 'done', 'in_progress', 'pending', 'cancelled', 'not_done', 'overdue',
  'compliance_pct', 'avg_progress', 'observations_answered_late', 'observations_unanswered_overdue'];
const ACTIVITY_KEYS = COUNT_KEYS.slice(0, 9);


const importCopy = (change) => importSeedCopy('Plan cumplimiento', change, admin);

// A progress report, dated `at` (by default 2024-06-01, before every as_of these tests ask
// for: compliance?as_of counts the activities as they stood at the end of that day, from
// their progress history).
async function report(planId, axis, number, body, at = '2024-06-01T12:00:00Z') {
  const res = await api('POST', `/api/v1/activities/${activityId(planId, axis, number)}/updates`,
    { token: admin, body });
  assert.equal(res.status, 201, res.text);
  if (at) sql(`UPDATE progress_updates SET created_at = '${at}' WHERE id = ${res.json.id}`);
}

async function compliance(planId, asOf, token) {
  const q = asOf ? `?as_of=${asOf}` : '';
  const res = await api('GET', `/api/v1/plans/${planId}/compliance${q}`, { token });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

function counts(group) {
  return Object.fromEntries(ACTIVITY_KEYS.map((k) => [k, group[k]]));
}

function unit(report, name) {
  const u = report.by_unit.find((x) => x.name === name);
  assert.ok(u, `unit ${name} is listed`);
  return u;
}

test('the seed plan on 2024-09-15: only the August activity is overdue', async () => {
  const id = await seedPlanId();
  const r = await compliance(id, '2024-09-15');
  assert.equal(r.plan_id, id);
  assert.equal(r.as_of, '2024-09-15');
  assert.deepEqual(counts(r.totals), {
    activities: 16, done: 0, in_progress: 0, pending: 16, cancelled: 0, not_done: 0, overdue: 1,
    compliance_pct: 0, avg_progress: 0,
  });
  assert.deepEqual(r.by_axis.map((a) => [a.number, a.overdue]), [[1, 1], [2, 0], [3, 0], [4, 0]]);
  assert.equal(unit(r, 'Administradora Zonal').overdue, 1);
  assert.deepEqual(r.by_unit.filter((u) => u.overdue > 0).map((u) => u.name), ['Administradora Zonal']);
  // The overdue one is "Designar un responsable de Comunas." (axis 1, due in August).
  const doc = (await api('GET', `/api/v1/plans/${id}/document`)).json;
  const august = doc.axes.flatMap((a) => a.activities.map((t) => ({ axis: a.number, ...t })))
    .filter((t) => t.due_month === 8);
  assert.deepEqual(august.map((t) => [t.axis, t.description]), [[1, 'Designar un responsable de Comunas.']]);
});

test('the seed plan on 2024-07-01: nothing is overdue', async () => {
  const r = await compliance(await seedPlanId(), '2024-07-01');
  assert.equal(r.totals.overdue, 0);
  assert.ok(r.by_axis.every((a) => a.overdue === 0));
  assert.ok(r.by_unit.every((u) => u.overdue === 0));
});

test('the seed plan on 2024-08-31 (the due day itself) has nothing overdue yet', async () => {
  const r = await compliance(await seedPlanId(), '2024-08-31');
  assert.equal(r.totals.overdue, 0);
  assert.equal((await compliance(await seedPlanId(), '2024-09-01')).totals.overdue, 1);
});

test('the seed plan on 2025-01-15: all 16 unfinished activities are overdue', async () => {
  const r = await compliance(await seedPlanId(), '2025-01-15');
  assert.equal(r.totals.activities, 16);
  assert.equal(r.totals.overdue, 16);
  assert.deepEqual(r.by_axis.map((a) => [a.number, a.activities, a.overdue]),
    [[1, 4, 4], [2, 2, 2], [3, 6, 6], [4, 4, 4]]);
  assert.ok(r.by_unit.every((u) => u.overdue === u.activities));
});

test('by_axis lists the axes in order with their ids and names', async () => {
  const id = await seedPlanId();
  const r = await compliance(id, '2024-09-15');
  const plan = (await api('GET', `/api/v1/plans/${id}`)).json;
  assert.deepEqual(r.by_axis.map((a) => [a.axis_id, a.number, a.name]),
    plan.axes.map((a) => [a.id, a.number, a.name]));
  assert.deepEqual(Object.keys(r.by_axis[0]), ['axis_id', 'number', 'name', ...COUNT_KEYS]);
  assert.deepEqual(Object.keys(r), ['plan_id', 'as_of', 'totals', 'by_axis', 'by_unit']);
});

test('by_unit counts an activity once for each of its units', async () => {
  const r = await compliance(await seedPlanId(), '2024-09-15');
  const habitat = unit(r, HABITAT);
  assert.equal(habitat.activities, 3);
  assert.equal(habitat.unit_id, Number(sql(`SELECT id FROM units WHERE name = '${HABITAT}'`)));
  assert.deepEqual(Object.keys(habitat), ['unit_id', 'name', ...COUNT_KEYS]);
  assert.equal(unit(r, 'Unidad Zonal de Servicios Sociales').activities, 3);
  assert.equal(unit(r, 'Jefatura de Comunicación').activities, 1);
  // 16 activities, three of them with 2 or 3 units: 19 unit-activity pairs.
  assert.equal(r.by_unit.reduce((s, u) => s + u.activities, 0), 19);
});

test('one done activity of 16 gives compliance_pct 6.3', async () => {
  const plan = await importCopy();
  await report(plan, 1, 4, { progress: 100, note: 'Responsable designado' });
  const r = await compliance(plan, '2024-09-15');
  assert.deepEqual(counts(r.totals), {
    activities: 16, done: 1, in_progress: 0, pending: 15, cancelled: 0, not_done: 0, overdue: 0,
    compliance_pct: 6.3, avg_progress: 6.3,
  });
  assert.deepEqual(counts(r.by_axis[0]), {
    activities: 4, done: 1, in_progress: 0, pending: 3, cancelled: 0, not_done: 0, overdue: 0,
    compliance_pct: 25, avg_progress: 25,
  });
  assert.equal(unit(r, 'Administradora Zonal').compliance_pct, 100);
});

test('a cancelled activity leaves the denominator: 1 done of 15', async () => {
  const plan = await importCopy();
  await report(plan, 1, 4, { progress: 100, note: 'Hecho' });
  await report(plan, 2, 1, { progress: 40, status: 'cancelled', note: 'Se cancela' });
  await report(plan, 3, 1, { progress: 50, note: 'A medias' });
  const r = await compliance(plan, '2024-09-15');
  assert.deepEqual(counts(r.totals), {
    activities: 16, done: 1, in_progress: 1, pending: 13, cancelled: 1, not_done: 0, overdue: 0,
    compliance_pct: 6.7, avg_progress: 10, // (100 + 50) / 15
  });
  const eco = r.by_axis.find((a) => a.number === 2);
  assert.deepEqual(counts(eco), {
    activities: 2, done: 0, in_progress: 0, pending: 1, cancelled: 1, not_done: 0, overdue: 0,
    compliance_pct: 0, avg_progress: 0,
  });
  const social = r.by_axis.find((a) => a.number === 3);
  assert.equal(social.avg_progress, 8.3); // 50 / 6
});

test('a group whose activities are all cancelled has 0 percent and 0 average', async () => {
  const plan = await importCopy();
  await report(plan, 2, 1, { progress: 30, status: 'cancelled', note: 'No va' });
  await report(plan, 2, 2, { progress: 0, status: 'cancelled', note: 'No va' });
  const r = await compliance(plan, '2025-01-15');
  const eco = r.by_axis.find((a) => a.number === 2);
  assert.deepEqual(counts(eco), {
    activities: 2, done: 0, in_progress: 0, pending: 0, cancelled: 2, not_done: 0, overdue: 0,
    compliance_pct: 0, avg_progress: 0,
  });
  assert.equal(r.totals.overdue, 14);
});

test('done and cancelled activities are never overdue', async () => {
  const plan = await importCopy();
  await report(plan, 1, 4, { progress: 100, note: 'Hecho' });
  await report(plan, 1, 1, { progress: 60, note: 'En curso' });
  const r = await compliance(plan, '2025-01-15');
  assert.equal(r.totals.overdue, 15);
  assert.equal(r.by_axis[0].overdue, 3);
  assert.equal(r.by_axis[0].in_progress, 1);
});

test('a plan imported with two units on one activity counts it in both units', async () => {
  const plan = await importCopy();
  await report(plan, 4, 3, { progress: 100, note: 'Socializado' }); // Hábitat + 2 more
  const r = await compliance(plan, '2024-09-15');
  for (const name of [HABITAT, 'Dirección Zonal Administrativa Financiera', 'Dirección Zonal de Asesoría Jurídica']) {
    assert.equal(unit(r, name).done, 1, name);
  }
  assert.equal(r.totals.done, 1);
  assert.equal(unit(r, HABITAT).compliance_pct, 33.3);
});

test("as_of defaults to the administration's today (TIME_ZONE)", async () => {
  const r = await compliance(await seedPlanId());
  assert.equal(r.as_of, adminToday());
});

test('a bad as_of is 400 invalid_parameter naming as_of', async () => {
  const id = await seedPlanId();
  for (const bad of ['2024-02-30', '2024-9-15', 'yesterday', '2024-09-15T00:00:00Z', '', '20240915']) {
    const res = await api('GET', `/api/v1/plans/${id}/compliance?as_of=${encodeURIComponent(bad)}`);
    const p = assertProblem(res, 400, 'invalid_parameter');
    assert.ok(p.detail.includes("'as_of'"), `as_of=${bad}: ${p.detail}`);
  }
});

test('a draft plan\'s compliance is 404 plan_not_found to the public and citizens, 200 to staff', async () => {
  const plan = await importCopy((d) => {
    const { approved_by: _ignored, ...rest } = d;
    return { ...rest, status: 'draft' };
  });
  assertProblem(await api('GET', `/api/v1/plans/${plan}/compliance`), 404, 'plan_not_found');
  assertProblem(await api('GET', `/api/v1/plans/${plan}/compliance`, { token: tokenFor('ciudadanos') }), 404, 'plan_not_found');
  const r = await compliance(plan, '2024-09-15', tokenFor('directores', { unit_id: 1 }));
  assert.equal(r.totals.activities, 16);
});

test('an unknown plan is 404 plan_not_found', async () => {
  const res = await api('GET', '/api/v1/plans/999999999/compliance');
  assertProblem(res, 404, 'plan_not_found');
});

test('a plan without activities has zero totals and its axes listed', async () => {
  const plan = await importCopy((d) => ({ ...d, axes: d.axes.map((a) => ({ ...a, activities: [] })) }));
  const r = await compliance(plan, '2024-09-15');
  assert.deepEqual(counts(r.totals), {
    activities: 0, done: 0, in_progress: 0, pending: 0, cancelled: 0, not_done: 0, overdue: 0,
    compliance_pct: 0, avg_progress: 0,
  });
  assert.equal(r.by_axis.length, 4);
  assert.deepEqual(r.by_unit, []);
});

test('compliance carries an ETag and answers 304 to If-None-Match', async () => {
  const id = await seedPlanId();
  const first = await api('GET', `/api/v1/plans/${id}/compliance?as_of=2024-09-15`);
  const etag = first.headers.get('etag');
  assert.match(etag ?? '', /^"[0-9a-f]{32}"$/);
  const again = await api('GET', `/api/v1/plans/${id}/compliance?as_of=2024-09-15`,
    { headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
});

test('as_of counts each activity as it stood at the end of that day (TIME_ZONE), from its reports', async () => {
  const plan = await importCopy();
  await report(plan, 1, 4, { progress: 40, note: 'Empezado' }, '2024-07-01T15:00:00Z');
  // 22:00 of 2024-09-10 in Guayaquil (UTC-5): still that day there.
  await report(plan, 1, 4, { progress: 100, note: 'Responsable designado' }, '2024-09-11T03:00:00Z');
  const at = async (day) => counts((await compliance(plan, day)).totals);
  const base = { activities: 16, cancelled: 0, not_done: 0 };
  assert.deepEqual(await at('2024-06-30'), {
    ...base, done: 0, in_progress: 0, pending: 16, overdue: 0, compliance_pct: 0, avg_progress: 0,
  });
  assert.deepEqual(await at('2024-07-01'), {
    ...base, done: 0, in_progress: 1, pending: 15, overdue: 0, compliance_pct: 0, avg_progress: 2.5,
  });
  // Due in August: overdue on 2024-09-09, done (so not overdue) by the end of 2024-09-10.
  assert.deepEqual(await at('2024-09-09'), {
    ...base, done: 0, in_progress: 1, pending: 15, overdue: 1, compliance_pct: 0, avg_progress: 2.5,
  });
  assert.deepEqual(await at('2024-09-10'), {
    ...base, done: 1, in_progress: 0, pending: 15, overdue: 0, compliance_pct: 6.3, avg_progress: 6.3,
  });
  assert.deepEqual(counts((await compliance(plan)).totals), await at('2024-09-10').then((c) => ({ ...c, overdue: 15 })));
  // By axis and unit too.
  const before = await compliance(plan, '2024-09-09');
  assert.equal(before.by_axis[0].in_progress, 1);
  assert.equal(unit(before, 'Administradora Zonal').avg_progress, 40);
});

test('as_of before the plan or any report counts it as set out; after today, as today', async () => {
  const plan = await importCopy();
  await report(plan, 1, 4, { progress: 100, note: 'Hecho' }, null); // reported now
  const long = await compliance(plan, '2020-01-01');
  assert.deepEqual(counts(long.totals), {
    activities: 16, done: 0, in_progress: 0, pending: 16, cancelled: 0, not_done: 0, overdue: 0,
    compliance_pct: 0, avg_progress: 0,
  });
  assert.equal(long.as_of, '2020-01-01');
  const future = await compliance(plan, '2099-01-01');
  assert.deepEqual(counts(future.totals), {
    activities: 16, done: 1, in_progress: 0, pending: 15, cancelled: 0, not_done: 0, overdue: 15,
    compliance_pct: 6.3, avg_progress: 6.3,
  });
  // Closing now: not_done from today on, not on a day before it.
  const closed = await api('POST', `/api/v1/plans/${plan}/close`, { token: admin, body: {} });
  assert.equal(closed.status, 200, closed.text);
  assert.equal((await compliance(plan)).totals.not_done, 15);
  assert.equal((await compliance(plan, '2099-01-01')).totals.not_done, 15);
  const yesterday = new Date(Date.now() - 2 * 86400e3).toISOString().slice(0, 10);
  const y = counts((await compliance(plan, yesterday)).totals);
  assert.equal(y.not_done, 0);
  assert.equal(y.done + y.pending, 16);
});

test('answers to online observations: answered late and still unanswered past due, also as of a day', async () => {
  const plan = await importCopy();
  const axes = (await api('GET', `/api/v1/plans/${plan}`)).json.axes.map((a) => a.id);
  const send = async (axis, n) => {
    const res = await api('POST', `/api/v1/axes/${axis}/observations`, {
      token: tokenFor('ciudadanos', { sub: `compliance-cit-${plan}-${n}` }),
      headers: { 'idempotency-key': `c-${plan}-${n}` },
      body: { kind: 'observation', body: `Observación en línea número ${n}` },
    });
    assert.equal(res.status, 201, res.text);
    return res.json.id;
  };
  const [late, waiting, onTime] = [await send(axes[0], 1), await send(axes[1], 2),
    await send(axes[1], 3)];
  await send(axes[2], 4); // fresh: due in 15 days
  // Submitted 20 days ago, due 5 days ago (fresh: due in 15 days, as submitted now).
  sql(`UPDATE observations SET created_at = now() - interval '20 days',
       answer_due = now() - interval '5 days' WHERE id IN (${late}, ${waiting}, ${onTime})`);
  sql(`UPDATE observations SET answered_at = now() - interval '10 days', status = 'accepted'
       WHERE id = ${onTime}`);
  const director = tokenFor('directores', { sub: 'compliance-director@example.org', unit_id: 1 });
  const unitId = Number(sql(`SELECT id FROM units ORDER BY id LIMIT 1`));
  const patch = await api('PATCH', `/api/v1/observations/${waiting}`, { token: director, body: { unit_id: unitId } });
  assert.equal(patch.status, 200, patch.text);
  const answers = (g) => [g.observations_answered_late, g.observations_unanswered_overdue];
  let r = await compliance(plan);
  assert.deepEqual(answers(r.totals), [0, 2]);
  assert.deepEqual(r.by_axis.map(answers), [[0, 1], [0, 1], [0, 0], [0, 0]]);
  const res = await api('PATCH', `/api/v1/observations/${late}`, { token: director, body: { status: 'accepted', response: 'Tarde, pero se atiende.' } });
  assert.equal(res.status, 200, res.text);
  r = await compliance(plan);
  assert.deepEqual(answers(r.totals), [1, 1]);
  assert.deepEqual(r.by_axis.map(answers), [[1, 0], [0, 1], [0, 0], [0, 0]]);
  const u = r.by_unit.find((x) => x.unit_id === unitId);
  if (u) assert.deepEqual(answers(u), [0, 1]);
  // Before its answer, the late one was still waiting; before both were due, nothing was.
  const day = (ms) => new Date(Date.now() + ms).toISOString().slice(0, 10);
  assert.deepEqual(answers((await compliance(plan, day(-2 * 86400e3))).totals), [0, 2]);
  assert.deepEqual(answers((await compliance(plan, day(-8 * 86400e3))).totals), [0, 0]);
  // In 20 days the fresh one is due too, if nobody answers it.
  assert.deepEqual(answers((await compliance(plan, day(20 * 86400e3))).totals), [1, 2]);
  // A withdrawn one needs no answer (and the public's cached figures hear of it).
  sql(`UPDATE observations SET status = 'withdrawn' WHERE id = ${waiting}`);
  assert.deepEqual(answers((await compliance(plan)).totals), [1, 0]);
});
