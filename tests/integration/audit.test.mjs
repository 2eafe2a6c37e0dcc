// The audit log: who may read it, its filters and order, and the rows the triggers write
// for plan creation, import and progress updates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, assertProblem, tokenFor, seedDocument, sql, importSeedCopy, activityId } from './lib.mjs';

const ADMIN_SUB = 'audit-admin@example.org';
const admin = tokenFor('administradora', { sub: ADMIN_SUB });
const HABITAT = 'Dirección Zonal de Hábitat y Obra Pública';
const ENTRY_KEYS = ['id', 'at', 'actor_sub', 'actor_role', 'action', 'entity', 'entity_id', 'before', 'after'];

const importCopy = (change) => importSeedCopy('Plan auditoría', change, admin);

async function audit(query, token = admin) {
  const res = await api('GET', `/api/v1/audit?${query}`, { token });
  assert.equal(res.status, 200, res.text);
  return res.json;
}

test('creating a plan writes a create row with the token\'s sub and role', async () => {
  const created = await api('POST', '/api/v1/plans', {
    token: admin, body: { title: 'Plan auditado', entity: 'Administración Zonal', year: 2025 },
  });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  const page = await audit(`entity=plan&entity_id=${id}`);
  assert.equal(page.items.length, 1);
  const row = page.items[0];
  assert.deepEqual(Object.keys(row), ENTRY_KEYS);
  assert.equal(row.actor_sub, ADMIN_SUB);
  assert.equal(row.actor_role, 'administradora');
  assert.equal(row.action, 'create');
  assert.equal(row.entity, 'plan');
  assert.equal(row.entity_id, id);
  assert.equal(row.before, null);
  assert.equal(row.after.title, 'Plan auditado');
  assert.equal(row.after.status, 'draft');
  assert.match(row.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(page.next_cursor, null);
});

test('an import writes create rows for the plan and each activity, by the importer', async () => {
  const plan = await importCopy();
  const planRows = (await audit(`entity=plan&entity_id=${plan}`)).items;
  assert.deepEqual(planRows.map((r) => [r.action, r.actor_sub, r.actor_role]),
    [['create', ADMIN_SUB, 'administradora']]);
  assert.equal(planRows[0].after.status, 'approved');
  const act = activityId(plan, 4, 3);
  const actRows = (await audit(`entity=activity&entity_id=${act}`)).items;
  assert.ok(actRows.length >= 1);
  assert.ok(actRows.every((r) => r.actor_sub === ADMIN_SUB && r.actor_role === 'administradora'));
  assert.equal(actRows.at(-1).action, 'create');
  assert.equal(actRows.at(-1).after.description.startsWith('Socializar el uso'), true);
});

test('a progress update writes a create row with the director\'s sub and role', async () => {
  const plan = await importCopy();
  const act = activityId(plan, 4, 1);
  const unit = Number(sql(`SELECT id FROM units WHERE name = '${HABITAT}'`));
  const token = tokenFor('directores', { sub: 'audit-director@example.org', unit_id: unit });
  const res = await api('POST', `/api/v1/activities/${act}/updates`, {
    token, body: { progress: 70, note: 'Avance auditado', evidence_url: 'https://example.org/e' },
  });
  assert.equal(res.status, 201, res.text);
  const rows = (await audit(`entity=progress_update&entity_id=${res.json.id}`)).items;
  assert.equal(rows.length, 1);
  assert.equal(rows[0].action, 'create');
  assert.equal(rows[0].actor_sub, 'audit-director@example.org');
  assert.equal(rows[0].actor_role, 'directores');
  assert.equal(rows[0].entity, 'progress_update');
  assert.equal(rows[0].entity_id, res.json.id);
  assert.equal(rows[0].before, null);
  assert.equal(rows[0].after.progress, 70);
  assert.equal(rows[0].after.note, 'Avance auditado');
  assert.equal(rows[0].after.activity_id, act);
});

test('a progress update also logs the activity\'s change, before and after', async () => {
  const plan = await importCopy();
  const act = activityId(plan, 1, 1);
  const res = await api('POST', `/api/v1/activities/${act}/updates`, {
    token: admin, body: { progress: 25, note: 'Primer avance' },
  });
  assert.equal(res.status, 201, res.text);
  const rows = (await audit(`entity=activity&entity_id=${act}`)).items;
  const newest = rows[0];
  assert.equal(newest.action, 'update');
  assert.equal(newest.actor_sub, ADMIN_SUB);
  assert.deepEqual([newest.before.progress, newest.before.status], [0, 'pending']);
  assert.deepEqual([newest.after.progress, newest.after.status], [25, 'in_progress']);
});

test('deleting an activity writes one delete row, not an update for each of its units', async () => {
  const draft = { ...seedDocument(), title: `Plan auditoría borrado ${process.pid}`, status: 'draft' };
  const imported = await api('POST', '/api/v1/plans/import', { token: admin, body: draft });
  assert.equal(imported.status, 201, imported.text);
  const id = activityId(imported.json.id, 1, 1);
  const before = (await audit(`entity=activity&entity_id=${id}&limit=200`)).items.length;
  assert.equal((await api('DELETE', `/api/v1/activities/${id}`, { token: admin })).status, 204);
  const items = (await audit(`entity=activity&entity_id=${id}&limit=200`)).items;
  assert.equal(items.length, before + 1);
  assert.equal(items[0].action, 'delete');
  assert.equal(items[0].after, null);
  assert.equal(items[0].before.id, id);
});

test('before and after speak the API: a plan\'s approver as {name, position}, times in UTC with Z', async () => {
  const created = await api('POST', '/api/v1/plans', {
    token: admin,
    body: { title: 'Plan aprobado en la auditoría', entity: 'Administración Zonal', year: 2025,
            elaborated_by: { name: 'Ivonne Endara', position: 'Directora Zonal' } },
  });
  assert.equal(created.status, 201, created.text);
  const id = created.json.id;
  const axis = await api('POST', `/api/v1/plans/${id}/axes`, { token: admin, body: { number: 1, name: 'Eje único' } });
  assert.equal(axis.status, 201, axis.text);
  const approver = { name: 'Mireya Cárdenas', position: 'Administradora Zonal' };
  assert.equal((await api('POST', `/api/v1/plans/${id}/approve`, { token: admin, body: approver })).status, 200);
  const [row] = (await audit(`entity=plan&entity_id=${id}&limit=1`)).items;
  assert.equal(row.action, 'update');
  assert.deepEqual(row.before.approved_by, null);
  assert.deepEqual(row.after.approved_by, approver);
  assert.deepEqual(row.after.elaborated_by, { name: 'Ivonne Endara', position: 'Directora Zonal' });
  assert.equal(row.after.status, 'approved');
  assert.equal(row.after.approved_name, undefined);
  for (const k of ['created_at', 'updated_at', 'approved_at']) {
    assert.match(row.after[k], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, k);
  }
});

test('entries come newest first and page with limit and cursor', async () => {
  const plan = await importCopy();
  const act = activityId(plan, 3, 4);
  for (const progress of [10, 20, 30]) {
    const r = await api('POST', `/api/v1/activities/${act}/updates`, {
      token: admin, body: { progress, note: `paso ${progress}` },
    });
    assert.equal(r.status, 201);
  }
  const all = (await audit(`entity=activity&entity_id=${act}`)).items;
  assert.equal(all.length, 5); // create, units link, three updates
  const ids = all.map((r) => r.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
  assert.deepEqual(all.slice(0, 3).map((r) => r.after.progress), [30, 20, 10]);
  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const q = `entity=activity&entity_id=${act}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const page = await audit(q);
    seen.push(...page.items.map((r) => r.id));
    cursor = page.next_cursor;
    pages += 1;
  } while (cursor && pages < 10);
  assert.deepEqual(seen, ids);
  assert.equal(pages, 3);
});

test('without filters the log lists every kind, newest first', async () => {
  const page = await audit('limit=20');
  assert.equal(page.items.length, 20);
  const ids = page.items.map((r) => r.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
  assert.equal(typeof page.next_cursor, 'string');
});

test('entity alone filters by kind', async () => {
  const page = await audit('entity=unit&limit=200');
  assert.ok(page.items.length > 0);
  assert.ok(page.items.every((r) => r.entity === 'unit'));
});

test('directors and citizens get 403 role_forbidden', async () => {
  assertProblem(await api('GET', '/api/v1/audit', { token: tokenFor('directores', { unit_id: 1 }) }), 403, 'role_forbidden');
  assertProblem(await api('GET', '/api/v1/audit', { token: tokenFor('ciudadanos') }), 403, 'role_forbidden');
});

test('without a token the answer is 401 token_required', async () => {
  const res = await api('GET', '/api/v1/audit');
  assertProblem(res, 401, 'token_required');
  assert.equal(res.headers.get('www-authenticate'), 'Bearer');
});

test('an unknown entity, a bad entity_id or a bad limit is 400 invalid_parameter', async () => {
  for (const q of ['entity=plans', 'entity=', 'entity=PLAN', 'entity_id=abc', 'entity_id=0',
    'entity_id=-3', 'limit=500']) {
    const p = assertProblem(await api('GET', `/api/v1/audit?${q}`, { token: admin }), 400, 'invalid_parameter');
    assert.ok(p.detail.includes(`'${q.split('=')[0]}'`), `${q}: the detail names the parameter: ${p.detail}`);
  }
});

test('a cursor that is not one of the log\'s is 400 invalid_cursor', async () => {
  assertProblem(await api('GET', '/api/v1/audit?cursor=zzz', { token: admin }), 400, 'invalid_cursor');
});

test('a non-admin gets 403 role_forbidden even with bad parameters', async () => {
  assertProblem(await api('GET', '/api/v1/audit?entity=nope', { token: tokenFor('ciudadanos') }), 403, 'role_forbidden');
});
