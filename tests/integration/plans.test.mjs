// The plan's lifecycle through the API alone: draft → approved → closed, with the rules
// that guard each step, and the document import (all or nothing, every error listed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, assertProblem, tokenFor, seedDocument, sql } from './lib.mjs';

const admin = tokenFor('administradora', { sub: 'admin-plans' });
const director = tokenFor('directores', { unit_id: 1 });
const citizen = tokenFor('ciudadanos');

const draftBody = {
  title: 'Plan de prueba', process: 'Rendición de Cuentas 2024',
  entity: 'Administración Zonal de Prueba', year: 2025,
  elaborated_by: { name: 'Ana Pérez', position: 'Directora Zonal' },
};

// Each draft its own entity: a second plan of the same entity, year and title is a
// duplicate (409 duplicate_plan).
let drafts = 0;
async function createDraft(body = draftBody) {
  body = { ...body, entity: `${body.entity} ${process.pid}-${++drafts}` };
  const r = await api('POST', '/api/v1/plans', { token: admin, body });
  assert.equal(r.status, 201);
  return r;
}

test('creating a plan gives a draft, 201 with Location and ETag', async () => {
  const r = await createDraft();
  assert.equal(r.json.status, 'draft');
  assert.equal(r.json.title, 'Plan de prueba');
  assert.deepEqual(r.json.elaborated_by, draftBody.elaborated_by);
  assert.equal(r.json.approved_by, null);
  assert.equal(r.json.approved_at, null);
  assert.deepEqual(r.json.axes, []);
  assert.match(r.json.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(r.headers.get('location'), `/api/v1/plans/${r.json.id}`);
  assert.match(r.headers.get('etag'), /^"[0-9a-f]{32}"$/);
});

test('a draft is invisible to the public and to citizens, visible to staff', async () => {
  const { json: plan } = await createDraft();
  assertProblem(await api('GET', `/api/v1/plans/${plan.id}`), 404, 'plan_not_found');
  assertProblem(await api('GET', `/api/v1/plans/${plan.id}`, { token: citizen }), 404, 'plan_not_found');
  assertProblem(await api('GET', `/api/v1/plans/${plan.id}/document`), 404, 'plan_not_found');
  assert.equal((await api('GET', `/api/v1/plans/${plan.id}`, { token: director })).status, 200);
  const list = await api('GET', '/api/v1/plans?status=draft');
  assert.equal(list.json.items.length, 0);
  const staffList = await api('GET', '/api/v1/plans?status=draft&limit=200', { token: director });
  assert.ok(staffList.json.items.some((p) => p.id === plan.id));
});

test('plan creation validates every field with a JSON pointer', async () => {
  const r = await api('POST', '/api/v1/plans', {
    token: admin, body: { title: '', entity: 7, year: 1999, extra: true },
  });
  const p = assertProblem(r, 422, 'validation_failed');
  assert.equal(p.code, 'validation_failed');
  const pointers = p.errors.map((e) => e.pointer).sort();
  assert.deepEqual(pointers, ['/entity', '/extra', '/title', '/year']);
});

test('only the administradora writes plans: 401 token_required without token', async () => {
  assertProblem(await api('POST', '/api/v1/plans', { body: draftBody }), 401, 'token_required');
});

test('a director creating a plan gets 403 role_forbidden', async () => {
  assertProblem(await api('POST', '/api/v1/plans', { token: director, body: draftBody }), 403, 'role_forbidden');
});

test('a citizen creating a plan gets 403 role_forbidden (the role gate, not another cause)', async () => {
  const res = await api('POST', '/api/v1/plans', { token: citizen, body: draftBody });
  const p = assertProblem(res, 403, 'role_forbidden');
  assert.equal(p.code, 'forbidden');
  assert.equal(p.detail, 'Su rol no permite esta operación.');
});

test('PATCH edits a draft; a stale If-Match gets 412; a matching one succeeds', async () => {
  const { json: plan, headers } = await createDraft();
  const etag = headers.get('etag');
  const ok = await api('PATCH', `/api/v1/plans/${plan.id}`, {
    token: admin, body: { title: 'Plan renombrado' }, headers: { 'if-match': etag },
  });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.title, 'Plan renombrado');
  assert.notEqual(ok.headers.get('etag'), etag);
  const stale = await api('PATCH', `/api/v1/plans/${plan.id}`, {
    token: admin, body: { title: 'otra vez' }, headers: { 'if-match': etag },
  });
  const p = assertProblem(stale, 412, 'stale');
  assert.equal(p.code, 'precondition_failed');
});

test('If-None-Match with the current ETag gets 304', async () => {
  const { json: plan } = await createDraft();
  const first = await api('GET', `/api/v1/plans/${plan.id}`, { token: admin });
  const again = await api('GET', `/api/v1/plans/${plan.id}`, {
    token: admin, headers: { 'if-none-match': first.headers.get('etag') },
  });
  assert.equal(again.status, 304);
  assert.equal(again.text, '');
});

test('the document carries an ETag that changes with the plan; If-None-Match gets 304', async () => {
  const { json: plan } = await createDraft();
  const first = await api('GET', `/api/v1/plans/${plan.id}/document`, { token: admin });
  assert.equal(first.status, 200);
  const etag = first.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  const same = await api('GET', `/api/v1/plans/${plan.id}/document`, { token: admin, headers: { 'if-none-match': etag } });
  assert.equal(same.status, 304);
  await api('PATCH', `/api/v1/plans/${plan.id}`, { token: admin, body: { title: 'Documento cambiado' } });
  const changed = await api('GET', `/api/v1/plans/${plan.id}/document`, { token: admin, headers: { 'if-none-match': etag } });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers.get('etag'), etag);
  assert.equal(changed.json.title, 'Documento cambiado');
});

test('approval needs elaborated_by and an axis; then records the approver', async () => {
  const approver = { name: 'Mireya Cárdenas', position: 'Administradora Zonal' };
  const { json: bare } = await createDraft({ ...draftBody, elaborated_by: null });
  const noSigner = await api('POST', `/api/v1/plans/${bare.id}/approve`, { token: admin, body: approver });
  assertProblem(noSigner, 409, 'plan_needs_elaborated_by');
  const { json: plan } = await createDraft();
  const noAxes = await api('POST', `/api/v1/plans/${plan.id}/approve`, { token: admin, body: approver });
  assertProblem(noAxes, 409, 'plan_needs_axes');
  sql(`INSERT INTO axes (plan_id, number, name) VALUES (${plan.id}, 1, 'Eje de prueba')`);
  const ok = await api('POST', `/api/v1/plans/${plan.id}/approve`, { token: admin, body: approver });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.status, 'approved');
  assert.deepEqual(ok.json.approved_by, approver);
  assert.match(ok.json.approved_at, /Z$/);
  assert.equal((await api('GET', `/api/v1/plans/${plan.id}`)).status, 200); // public now
});

test('an approved plan cannot be edited, deleted or approved again; it can be closed once', async () => {
  const imported = await api('POST', '/api/v1/plans/import', {
    token: admin, body: { ...seedDocument(), title: 'Plan para cerrar' },
  });
  const id = imported.json.id;
  assertProblem(await api('PATCH', `/api/v1/plans/${id}`, { token: admin, body: { title: 'x' } }), 409, 'plan_not_draft');
  assertProblem(await api('DELETE', `/api/v1/plans/${id}`, { token: admin }), 409, 'plan_not_draft');
  assertProblem(await api('POST', `/api/v1/plans/${id}/approve`, {
    token: admin, body: { name: 'a', position: 'b' } }), 409, 'plan_not_draft');
  // close takes no body: a member sent by mistake is 422, and nothing changes
  const stray = await api('POST', `/api/v1/plans/${id}/close`, { token: admin, body: { status: 'closed' } });
  assertProblem(stray, 422, 'validation_failed');
  assert.equal(stray.json.errors[0].pointer, '/status');
  assert.equal((await api('GET', `/api/v1/plans/${id}`)).json.status, 'approved');
  const closed = await api('POST', `/api/v1/plans/${id}/close`, { token: admin, body: {} });
  assert.equal(closed.status, 200);
  assert.equal(closed.json.status, 'closed');
  assertProblem(await api('POST', `/api/v1/plans/${id}/close`, { token: admin }), 409, 'plan_closed');
  assert.equal((await api('GET', `/api/v1/plans/${id}/document`)).json.status, 'closed');
});

test('a draft can be deleted (204) and is gone afterwards', async () => {
  const { json: plan } = await createDraft();
  const del = await api('DELETE', `/api/v1/plans/${plan.id}`, { token: admin });
  assert.equal(del.status, 204);
  assertProblem(await api('GET', `/api/v1/plans/${plan.id}`, { token: admin }), 404, 'plan_not_found');
});

test('a draft cannot be closed: 409 plan_not_approved', async () => {
  const { json: plan } = await createDraft();
  assertProblem(await api('POST', `/api/v1/plans/${plan.id}/close`, { token: admin }), 409, 'plan_not_approved');
});

test('a closed plan cannot be edited, deleted or approved: 409 plan_closed, not plan_not_draft', async () => {
  const imported = await api('POST', '/api/v1/plans/import', {
    token: admin, body: { ...seedDocument(), title: 'Plan cerrado de solo lectura' },
  });
  assert.equal(imported.status, 201, imported.text);
  const id = imported.json.id;
  assert.equal((await api('POST', `/api/v1/plans/${id}/close`, { token: admin })).status, 200);
  assertProblem(await api('PATCH', `/api/v1/plans/${id}`, { token: admin, body: { title: 'x' } }), 409, 'plan_closed');
  assertProblem(await api('DELETE', `/api/v1/plans/${id}`, { token: admin }), 409, 'plan_closed');
  assertProblem(await api('POST', `/api/v1/plans/${id}/approve`, {
    token: admin, body: { name: 'a', position: 'b' } }), 409, 'plan_closed');
});

test('changes to a plan that does not exist give 404 plan_not_found', async () => {
  const X = 999999999;
  assertProblem(await api('PATCH', `/api/v1/plans/${X}`, { token: admin, body: { title: 'x' } }), 404, 'plan_not_found');
  assertProblem(await api('DELETE', `/api/v1/plans/${X}`, { token: admin }), 404, 'plan_not_found');
  assertProblem(await api('POST', `/api/v1/plans/${X}/approve`, { token: admin, body: { name: 'a', position: 'b' } }), 404, 'plan_not_found');
  assertProblem(await api('POST', `/api/v1/plans/${X}/close`, { token: admin }), 404, 'plan_not_found');
  assertProblem(await api('GET', `/api/v1/plans/${X}/document`, { token: admin }), 404, 'plan_not_found');
});

test('plans list filters by year and status and pages with a cursor', async () => {
  for (let i = 0; i < 3; i++) await createDraft({ ...draftBody, year: 2031 });
  const page1 = await api('GET', '/api/v1/plans?year=2031&limit=2', { token: admin });
  assert.equal(page1.json.items.length, 2);
  assert.equal(typeof page1.json.next_cursor, 'string');
  const page2 = await api('GET', `/api/v1/plans?year=2031&limit=2&cursor=${page1.json.next_cursor}`, { token: admin });
  assert.ok(page2.json.items.length >= 1);
  const ids = [...page1.json.items, ...page2.json.items].map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]));
});

test('bad plan list parameters give 400 invalid_parameter, a bad cursor 400 invalid_cursor', async () => {
  assertProblem(await api('GET', '/api/v1/plans?year=abc'), 400, 'invalid_parameter');
  assertProblem(await api('GET', '/api/v1/plans?status=archived'), 400, 'invalid_parameter');
  assertProblem(await api('GET', '/api/v1/plans?limit=0'), 400, 'invalid_parameter');
  assertProblem(await api('GET', '/api/v1/plans?limit=201'), 400, 'invalid_parameter');
  assertProblem(await api('GET', '/api/v1/plans?cursor=nonsense'), 400, 'invalid_cursor');
});

test('a cursor names its list: one of the units list is 400 invalid_cursor for plans', async () => {
  const units = await api('GET', '/api/v1/units?limit=1');
  assert.ok(units.json.next_cursor);
  const foreign = await api('GET', `/api/v1/plans?cursor=${units.json.next_cursor}`);
  const p = assertProblem(foreign, 400, 'invalid_cursor');
  assert.equal(p.code, 'invalid_cursor');
});

test('import then export gives an equal document', async () => {
  const doc = { ...seedDocument(), title: 'Plan ida y vuelta', status: 'draft' };
  const r = await api('POST', '/api/v1/plans/import', { token: admin, body: doc });
  assert.equal(r.status, 201);
  assert.equal(r.headers.get('location'), `/api/v1/plans/${r.json.id}`);
  const exported = await api('GET', `/api/v1/plans/${r.json.id}/document`, { token: admin });
  assert.deepEqual(exported.json, doc);
  // The same document again is a duplicate (409 duplicate_plan); under another title it
  // comes back equal.
  const copy = { ...exported.json, title: 'Plan ida y vuelta (copia)' };
  const again = await api('POST', '/api/v1/plans/import', { token: admin, body: copy });
  const reexported = await api('GET', `/api/v1/plans/${again.json.id}/document`, { token: admin });
  assert.deepEqual(reexported.json, copy);
});

test('import answers 422 listing every bad element with its pointer', async () => {
  const doc = seedDocument();
  doc.axes[0].activities[1].due_month = 13;
  doc.axes[2].observations[0].body = ' ';
  doc.axes[3].activities[0].units = [];
  delete doc.axes[1].name;
  const r = await api('POST', '/api/v1/plans/import', { token: admin, body: doc });
  assertProblem(r, 422, 'validation_failed');
  const pointers = r.json.errors.map((e) => e.pointer).sort();
  assert.deepEqual(pointers, ['/axes/0/activities/1/due_month', '/axes/1/name',
    '/axes/2/observations/0/body', '/axes/3/activities/0/units']);
});

test('import keeps the approval rules: an approved plan has axes', async () => {
  const before = (await api('GET', '/api/v1/plans?limit=200', { token: admin })).json.items.length;
  const noAxes = { ...seedDocument(), title: 'Aprobado sin ejes', axes: [] };
  const r1 = await api('POST', '/api/v1/plans/import', { token: admin, body: noAxes });
  assertProblem(r1, 422, 'validation_failed');
  assert.deepEqual(r1.json.errors.map((e) => e.pointer), ['/axes']);
  assert.equal((await api('GET', '/api/v1/plans?limit=200', { token: admin })).json.items.length, before);
});

test('an import that fails half-way leaves nothing behind', async () => {
  const before = sql('SELECT (SELECT count(*) FROM plans) || \',\' || (SELECT count(*) FROM units) || \',\' || (SELECT count(*) FROM audit_log)');
  // A rule only the database knows, hit by the very last activity of the document.
  sql("ALTER TABLE activities ADD CONSTRAINT test_half_way CHECK (description <> 'falla aquí')");
  try {
    const doc = { ...seedDocument(), title: 'Plan a medias' };
    const last = doc.axes[3].activities.at(-1);
    last.description = 'falla aquí';
    last.units = ['Unidad que no debe quedar'];
    const r = await api('POST', '/api/v1/plans/import', { token: admin, body: doc });
    assertProblem(r, 422, 'validation_failed');
  } finally {
    sql('ALTER TABLE activities DROP CONSTRAINT test_half_way');
  }
  const afterCounts = sql('SELECT (SELECT count(*) FROM plans) || \',\' || (SELECT count(*) FROM units) || \',\' || (SELECT count(*) FROM audit_log)');
  assert.equal(afterCounts, before);
  assert.equal(sql("SELECT count(*) FROM plans WHERE title = 'Plan a medias'"), '0');
});

test('every plan change is in the audit log with the actor', async () => {
  const { json: plan } = await createDraft();
  await api('PATCH', `/api/v1/plans/${plan.id}`, { token: admin, body: { title: 'auditado' } });
  await api('DELETE', `/api/v1/plans/${plan.id}`, { token: admin });
  const rows = sql(`SELECT string_agg(action || ':' || actor_sub || ':' || actor_role, ' ' ORDER BY id)
                    FROM audit_log WHERE entity = 'plan' AND entity_id = ${plan.id}`);
  assert.equal(rows, 'create:admin-plans:administradora update:admin-plans:administradora delete:admin-plans:administradora');
});

test('hostile text round-trips byte for byte', async () => {
  const title = `'; DROP TABLE plans; -- <script>alert("x")</script> ñ 😀 عربى abc`;
  const { json: plan } = await createDraft({ ...draftBody, title });
  const r = await api('GET', `/api/v1/plans/${plan.id}`, { token: admin });
  assert.equal(r.json.title, title);
  // Issue 17: a right-to-left override would show the title other than it is stored.
  const res = await api('POST', '/api/v1/plans', { token: admin, body: { ...draftBody, title: `${title} \u202Eabc` } });
  assert.equal(res.status, 422, res.text);
  assert.equal(res.json.errors[0].pointer, '/title');
});
