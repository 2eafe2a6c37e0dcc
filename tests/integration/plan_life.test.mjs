// A plan's life as it really goes (openapi/openapi.yaml): no duplicates, withdrawal,
// closing with outcomes (not_done), approved_at as the document gives it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, assertProblem, tokenFor, seedDocument, sql, SEED_TITLE } from './lib.mjs';

const admin = tokenFor('administradora', { sub: 'admin-plan-life' });
const director = tokenFor('directores', { unit_id: 1 });
const citizen = tokenFor('ciudadanos');

async function importPlan(extra = {}) {
  const doc = { ...seedDocument(), title: `Plan vida ${randomUUID()}`, ...extra };
  const r = await api('POST', '/api/v1/plans/import', { token: admin, body: doc });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return { doc, plan: r.json };
}

test('importing the same plan twice → 409 duplicate_plan; creating one too', async () => {
  const { doc, plan } = await importPlan();
  assertProblem(await api('POST', '/api/v1/plans/import', { token: admin, body: doc }),
    409, 'duplicate_plan');
  const body = { title: doc.title, entity: doc.entity, year: doc.year };
  assertProblem(await api('POST', '/api/v1/plans', { token: admin, body }), 409, 'duplicate_plan');
  // Another year or title is another plan.
  const other = await api('POST', '/api/v1/plans', { token: admin, body: { ...body, year: doc.year + 1 } });
  assert.equal(other.status, 201);
  // Renaming a draft onto a live plan's title is a duplicate as well.
  const draft = await api('POST', '/api/v1/plans', { token: admin, body: { ...body, title: `${doc.title} bis` } });
  assert.equal(draft.status, 201);
  assertProblem(await api('PATCH', `/api/v1/plans/${draft.json.id}`, {
    token: admin, body: { title: doc.title } }), 409, 'duplicate_plan');
  // Once the first is withdrawn, the same plan may be imported again.
  const w = await api('POST', `/api/v1/plans/${plan.id}/withdraw`, {
    token: admin, body: { reason: 'Importado dos veces por error' } });
  assert.equal(w.status, 200);
  assert.equal((await api('POST', '/api/v1/plans/import', { token: admin, body: doc })).status, 201);
});

test('a withdrawn plan: 404 for the public and citizens, 200 for staff, audited', async () => {
  const { plan } = await importPlan({ status: 'approved' });
  assert.equal((await api('GET', `/api/v1/plans/${plan.id}`)).status, 200);
  assertProblem(await api('POST', `/api/v1/plans/${plan.id}/withdraw`, {
    token: admin, body: {} }), 422, 'validation_failed');
  assertProblem(await api('POST', `/api/v1/plans/${plan.id}/withdraw`, {
    token: director, body: { reason: 'Duplicado del plan vigente' } }), 403);
  const r = await api('POST', `/api/v1/plans/${plan.id}/withdraw`, {
    token: admin, body: { reason: 'Duplicado del plan vigente' } });
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'withdrawn');
  assert.equal(r.json.withdrawn_reason, 'Duplicado del plan vigente');
  assert.match(r.json.withdrawn_at, /Z$/);
  for (const path of [`/api/v1/plans/${plan.id}`, `/api/v1/plans/${plan.id}/document`,
    `/api/v1/plans/${plan.id}/compliance`]) {
    assertProblem(await api('GET', path), 404, 'plan_not_found');
    assertProblem(await api('GET', path, { token: citizen }), 404, 'plan_not_found');
    assert.equal((await api('GET', path, { token: director })).status, 200, path);
  }
  const list = await api('GET', '/api/v1/plans?limit=200');
  assert.ok(!list.json.items.some((p) => p.id === plan.id));
  assertProblem(await api('POST', `/api/v1/plans/${plan.id}/withdraw`, {
    token: admin, body: { reason: 'Duplicado del plan vigente' } }), 409, 'plan_withdrawn');
  const audit = sql(`SELECT count(*) FROM audit_log WHERE entity = 'plan' AND entity_id = ${plan.id}
                     AND after->>'status' = 'withdrawn'`);
  assert.equal(audit.trim(), '1');
});

test('closing records closed_at and the note; unfinished activities become not_done', async () => {
  const { plan } = await importPlan({ status: 'approved' });
  const before = await api('GET', `/api/v1/plans/${plan.id}/compliance`);
  const finished = before.json.totals.done + before.json.totals.cancelled;
  assertProblem(await api('POST', `/api/v1/plans/${plan.id}/close`, {
    token: admin, body: { note: 7 } }), 422, 'validation_failed');
  const r = await api('POST', `/api/v1/plans/${plan.id}/close`, {
    token: admin, body: { note: 'Cierre del año fiscal' } });
  assert.equal(r.status, 200);
  assert.equal(r.json.status, 'closed');
  assert.equal(r.json.closing_note, 'Cierre del año fiscal');
  assert.match(r.json.closed_at, /Z$/);
  const after = await api('GET', `/api/v1/plans/${plan.id}/compliance`);
  assert.equal(after.json.totals.not_done, before.json.totals.activities - finished);
  assert.ok(after.json.totals.not_done > 0);
  assert.equal(after.json.totals.pending + after.json.totals.in_progress, 0);
  const acts = await api('GET', `/api/v1/plans/${plan.id}/activities?limit=200`);
  assert.ok(acts.json.items.every((a) => ['done', 'cancelled', 'not_done'].includes(a.status)));
  const doc = await api('GET', `/api/v1/plans/${plan.id}/document`);
  assert.ok(doc.json.axes.some((a) => a.activities.some((t) => t.status === 'not_done')));
  assertProblem(await api('POST', `/api/v1/plans/${plan.id}/close`, { token: admin }), 409, 'plan_closed');
  // Without a body, the note is null.
  const { plan: p2 } = await importPlan({ status: 'approved' });
  const r2 = await api('POST', `/api/v1/plans/${p2.id}/close`, { token: admin });
  assert.equal(r2.status, 200);
  assert.equal(r2.json.closing_note, null);
});

test('approved_at is carried as the document gives it; the seed has none', async () => {
  const { plan } = await importPlan({ status: 'approved', approved_at: '2026-01-30T15:00:00Z' });
  assert.equal(plan.approved_at, '2026-01-30T15:00:00Z');
  assert.equal(plan.version, 1);
  const doc = await api('GET', `/api/v1/plans/${plan.id}/document`);
  assert.equal(doc.json.approved_at, '2026-01-30T15:00:00Z');
  const { plan: none } = await importPlan({ status: 'approved' });
  assert.equal(none.approved_at, null);
  const bad = await api('POST', '/api/v1/plans/import', {
    token: admin, body: { ...seedDocument(), title: `Plan vida ${randomUUID()}`, approved_at: 'ayer' } });
  const p = assertProblem(bad, 422, 'validation_failed');
  assert.ok(p.errors.some((e) => e.pointer === '/approved_at'));
  const seeded = await api('GET', '/api/v1/plans?limit=200');
  const seed = seeded.json.items.find((x) => x.title === SEED_TITLE);
  assert.equal(seed.approved_at, null);
});

test('an unused unit can be deleted; one in use → 409 unit_in_use', async () => {
  const u = await api('POST', '/api/v1/units', { token: admin, body: { name: `Unidad suelta ${randomUUID()}` } });
  assert.equal(u.status, 201);
  assertProblem(await api('DELETE', `/api/v1/units/${u.json.id}`, { token: director }), 403);
  assert.equal((await api('DELETE', `/api/v1/units/${u.json.id}`, { token: admin })).status, 204);
  assertProblem(await api('GET', `/api/v1/units/${u.json.id}`), 404, 'unit_not_found');
  assertProblem(await api('DELETE', `/api/v1/units/${u.json.id}`, { token: admin }), 404, 'unit_not_found');
  assertProblem(await api('DELETE', '/api/v1/units/1', { token: admin }), 409, 'unit_in_use');
});

test('merging a misspelt unit moves its activities to the right director, audited', async () => {
  const typo = `Direccion Zonal sin tildes ${randomUUID()}`;
  const doc = seedDocument();
  doc.axes[0].activities[0].units = [typo];
  const { plan } = await importPlan({ axes: doc.axes, status: 'approved' });
  const unitId = Number(sql(`SELECT id FROM units WHERE name = '${typo}'`).trim());
  const target = Number(sql(`SELECT id FROM units WHERE id <> ${unitId} ORDER BY id LIMIT 1`).trim());
  const own = tokenFor('directores', { sub: 'merge-director', unit_id: target });
  const listFor = async () => (await api('GET',
    `/api/v1/plans/${plan.id}/activities?unit_id=${target}&limit=200`, { token: own })).json.items;
  const before = await listFor();
  assertProblem(await api('POST', `/api/v1/units/${unitId}/merge`, {
    token: admin, body: { into_id: unitId } }), 422, 'unit_merge_self');
  assertProblem(await api('POST', `/api/v1/units/${unitId}/merge`, {
    token: admin, body: { into_id: 999999999 } }), 422, 'unknown_unit');
  assertProblem(await api('POST', `/api/v1/units/${unitId}/merge`, {
    token: director, body: { into_id: target } }), 403);
  const r = await api('POST', `/api/v1/units/${unitId}/merge`, { token: admin, body: { into_id: target } });
  assert.equal(r.status, 200);
  assert.equal(r.json.id, target);
  assertProblem(await api('GET', `/api/v1/units/${unitId}`), 404, 'unit_not_found');
  const after = await listFor();
  assert.equal(after.length, before.length + 1);
  assert.equal(sql(`SELECT count(*) FROM activity_units WHERE unit_id = ${unitId}`).trim(), '0');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE entity = 'unit' AND entity_id = ${unitId}
                    AND action = 'delete' AND actor_sub = 'admin-plan-life'`).trim(), '1');
  const moved = after.find((a) => !before.some((b) => b.id === a.id));
  assert.ok(Number(sql(`SELECT count(*) FROM audit_log WHERE entity = 'activity'
                        AND entity_id = ${moved.id} AND actor_sub = 'admin-plan-life'`).trim()) >= 1);
  assertProblem(await api('POST', `/api/v1/units/${unitId}/merge`, {
    token: admin, body: { into_id: target } }), 404, 'unit_not_found');
});

test('amending an approved plan needs a reason, raises the version and keeps each version', async () => {
  const { plan } = await importPlan({ status: 'approved' });
  const asApproved = await api('GET', `/api/v1/plans/${plan.id}/document`, { token: admin });
  const publicApproved = await api('GET', `/api/v1/plans/${plan.id}/document`);
  const acts = await api('GET', `/api/v1/plans/${plan.id}/activities?limit=200`, { token: admin });
  const act = acts.json.items.find((a) => a.due_month !== 10);
  const path = `/api/v1/activities/${act.id}`;
  let p = assertProblem(await api('PATCH', path, { token: admin, body: { due_month: 10 } }),
    422, 'reason_required');
  assert.ok(p.errors.some((e) => e.pointer === '/reason'));
  p = assertProblem(await api('PATCH', path, { token: admin, body: { due_month: 10, reason: 'corto' } }),
    422, 'validation_failed');
  assert.ok(p.errors.some((e) => e.pointer === '/reason'));
  const reason = 'Reprogramada tras la reunión con la comunidad';
  const r = await api('PATCH', path, { token: admin, body: { due_month: 10, reason } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.due_month, 10);
  // Citizens see that it was rescheduled, and why.
  const seen = await api('GET', path, { token: citizen });
  assert.equal(seen.json.amendment.reason, reason);
  assert.equal(seen.json.amendment.version, 2);
  assert.equal(act.amendment, null);
  assert.equal((await api('GET', `/api/v1/plans/${plan.id}`, { token: admin })).json.version, 2);
  // A new axis is an amendment too.
  const axis = await api('POST', `/api/v1/plans/${plan.id}/axes`, {
    token: admin, body: { number: 99, name: 'Eje añadido', reason: 'Pedido por la asamblea ciudadana' } });
  assert.equal(axis.status, 201, axis.text);

  const versions = await api('GET', `/api/v1/plans/${plan.id}/versions`, { token: admin });
  assert.equal(versions.status, 200);
  assert.deepEqual(versions.json.items.map((v) => [v.version, v.reason]),
    [[1, null], [2, reason], [3, 'Pedido por la asamblea ciudadana']]);
  const v2 = versions.json.items[1];
  assert.equal(v2.actor_sub, 'admin-plan-life');
  const change = v2.changes.find((c) => c.entity === 'activity' && c.entity_id === act.id);
  assert.equal(change.action, 'update');
  assert.equal(change.before.due_month, act.due_month);
  assert.equal(change.after.due_month, 10);
  assertProblem(await api('GET', `/api/v1/plans/${plan.id}/versions`, { token: director }), 403);

  const v1 = await api('GET', `/api/v1/plans/${plan.id}/document?version=1`, { token: admin });
  assert.equal(v1.status, 200);
  assert.equal(v1.text, asApproved.text, 'version 1 is the document as approved, byte for byte');
  assert.equal((await api('GET', `/api/v1/plans/${plan.id}/document?version=1`)).text,
    publicApproved.text);
  const v2doc = await api('GET', `/api/v1/plans/${plan.id}/document?version=2`, { token: admin });
  assert.ok(v2doc.json.axes.some((a) => a.activities.some((t) => t.description === act.description
    && t.due_month === 10)));
  assert.ok(!v2doc.json.axes.some((a) => a.number === 99));
  assertProblem(await api('GET', `/api/v1/plans/${plan.id}/document?version=9`, { token: admin }),
    404, 'version_not_found');

  // A closed plan changes no more.
  assert.equal((await api('POST', `/api/v1/plans/${plan.id}/close`, { token: admin })).status, 200);
  assertProblem(await api('PATCH', path, { token: admin, body: { due_month: 11, reason } }),
    409, 'plan_closed');
});
