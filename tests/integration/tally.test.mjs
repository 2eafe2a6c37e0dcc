// Compliance as things stand now is read from activity_tally, kept by triggers
// (migrations/functions/16_compliance.sql). After every kind of change a plan's schedule
// can go through, the tally must equal the count from the rows, and compliance now must
// answer exactly what compliance?as_of=today (counted from the rows and their history)
// answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { adminToday, api, tokenFor, sql, importSeedPlan, withStatus, activityId } from './lib.mjs';

const admin = tokenFor('administradora', { sub: 'tally-admin@example.org' });
const approver = { name: 'Mireya Cárdenas', position: 'Administradora Zonal' };

/** Rows of activity_tally that differ from the count from the rows (0 when it is true). */
const drift = () => Number(sql('SELECT activity_tally_drift()'));

async function compliance(planId, asOf) {
  const q = asOf ? `?as_of=${asOf}` : '';
  const res = await api('GET', `/api/v1/plans/${planId}/compliance${q}`, { token: admin });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

/** The tally is true, and compliance from it equals compliance counted from the rows. */
async function holds(planId, step) {
  assert.equal(drift(), 0, `activity_tally drifted after: ${step}`);
  assert.deepEqual(await compliance(planId), await compliance(planId, adminToday()),
    `compliance now ≠ as of today after: ${step}`);
}

async function ok(res, status, step) {
  assert.equal(res.status, status, `${step}: ${res.text.slice(0, 300)}`);
  return res.json;
}

test('every change to a schedule keeps the tally true and compliance equal to its count', async () => {
  const typo = `Unidad con errata ${randomUUID()}`;
  const plan = await importSeedPlan('Plan del conteo', (doc) => {
    const d = withStatus('draft')(doc);
    d.axes[0].activities[0].units.push(typo);
    d.axes[1].activities[0].units = [typo];
    return d;
  }, admin);
  await holds(plan.id, 'import');
  const axis = (n) => plan.axes.find((a) => a.number === n).id;
  const units = sql('SELECT id FROM units ORDER BY id LIMIT 3').split('\n').map(Number);

  const created = await ok(await api('POST', `/api/v1/axes/${axis(2)}/activities`, {
    token: admin, body: { description: 'Actividad nueva del conteo', due_month: 3, unit_ids: units.slice(0, 2) },
  }), 201, 'create an activity');
  await holds(plan.id, 'create an activity with two units');

  await ok(await api('PATCH', `/api/v1/activities/${created.id}`, {
    token: admin, body: { due_month: 11, unit_ids: [units[1], units[2]] },
  }), 200, 'patch');
  await holds(plan.id, 'move the month and replace a unit');

  await ok(await api('DELETE', `/api/v1/activities/${activityId(plan.id, 3, 1)}`, { token: admin }), 204, 'delete');
  await holds(plan.id, 'delete an activity');

  await ok(await api('DELETE', `/api/v1/axes/${axis(4)}`, { token: admin }), 204, 'delete an axis');
  await holds(plan.id, 'delete an axis with its activities');
  assert.equal(sql(`SELECT count(*) FROM activity_tally WHERE axis_id = ${axis(4)}`), '0',
    'a deleted axis leaves no rows');

  await ok(await api('POST', `/api/v1/plans/${plan.id}/approve`, { token: admin, body: approver }), 200, 'approve');
  const report = (axisNo, n, body) => api('POST', `/api/v1/activities/${activityId(plan.id, axisNo, n)}/updates`,
    { token: admin, body });
  await ok(await report(1, 1, { progress: 40, note: 'Avance' }), 201, 'progress 40');
  await ok(await report(1, 2, { progress: 100, note: 'Hecho' }), 201, 'done');
  await ok(await report(2, 2, { progress: 0, status: 'cancelled', note: 'Sin presupuesto' }), 201, 'cancel');
  await ok(await report(1, 1, { progress: 70, note: 'Más avance' }), 201, 'progress 70');
  await holds(plan.id, 'progress reports: in progress, done, cancelled, again');

  const typoId = Number(sql(`SELECT id FROM units WHERE name = '${typo}'`));
  await ok(await api('POST', `/api/v1/units/${typoId}/merge`, { token: admin, body: { into_id: units[0] } }),
    200, 'merge');
  await holds(plan.id, 'merge a unit into another (one activity already had both)');

  await ok(await api('POST', `/api/v1/plans/${plan.id}/close`, { token: admin, body: { note: 'Cierre' } }),
    200, 'close');
  await holds(plan.id, 'close: the unfinished become not_done');
});

test('a deleted plan takes its rows with it', async () => {
  const plan = await importSeedPlan('Plan del conteo borrado', withStatus('draft'), admin);
  const axes = plan.axes.map((a) => a.id).join(',');
  assert.ok(Number(sql(`SELECT count(*) FROM activity_tally WHERE axis_id IN (${axes})`)) > 0);
  await ok(await api('DELETE', `/api/v1/plans/${plan.id}`, { token: admin }), 204, 'delete the plan');
  assert.equal(sql(`SELECT count(*) FROM activity_tally WHERE axis_id IN (${axes})`), '0');
  assert.equal(drift(), 0);
});

test('concurrent progress reports on one axis neither deadlock nor lose a count', async () => {
  const plan = await importSeedPlan('Plan del conteo concurrente', withStatus('approved'), admin);
  const ids = sql(`SELECT t.id FROM activities t JOIN axes a ON a.id = t.axis_id
                   WHERE a.plan_id = ${plan.id} ORDER BY t.id`).split('\n').map(Number);
  // Each activity twice, alternately up and down, all at once: the same tally rows are
  // taken by many transactions, in both directions of status change.
  const reports = ids.flatMap((id, i) => [
    { id, body: { progress: 100, note: `hecho ${i}` } },
    { id, body: { progress: 30, note: `en curso ${i}` } },
  ]);
  const results = await Promise.all(reports.map((r) =>
    api('POST', `/api/v1/activities/${r.id}/updates`, { token: admin, body: r.body })));
  assert.deepEqual(results.map((r) => r.status).filter((s) => s !== 201), [],
    results.find((r) => r.status !== 201)?.text);
  await holds(plan.id, `${reports.length} concurrent progress reports`);
});
