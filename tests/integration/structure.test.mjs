// The structure of a plan through the API: axes, agreements, units and the schedule of
// activities (JSON pages and the CSV download), who may read and change them, and the
// freeze once a plan is approved. Each test makes its own plans, except reads of the
// shared seed plan, which are never changed here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, adminToday, api, assertProblem, tokenFor, seedDocument, sql, seedPlanId } from './lib.mjs';

const admin = tokenFor('administradora', { sub: 'admin-structure' });
const director = tokenFor('directores', { unit_id: 1 });
const citizen = tokenFor('ciudadanos', { sub: 'citizen-structure' });
const MONTHS = ['Enero', 'Febrero', 'Marzo', 'Abril', 'Mayo', 'Junio', 'Julio', 'Agosto',
  'Septiembre', 'Octubre', 'Noviembre', 'Diciembre'];
let counter = 0;

/** A name no other test uses. */
function unique(prefix) {
  counter += 1;
  return `${prefix} ${process.pid}-${counter}-${Date.now() % 100000}`;
}

/** The seed document as a plan of another title, imported with the given status. */
async function importPlan(status, mutate = (d) => d) {
  const doc = { ...seedDocument(), title: unique('Plan estructura'), status };
  if (status === 'draft') delete doc.approved_by;
  const r = await api('POST', '/api/v1/plans/import', { token: admin, body: mutate(doc) });
  assert.equal(r.status, 201, r.text.slice(0, 300));
  return r.json;
}

/** An empty draft created through POST /plans. */
async function emptyDraft() {
  const r = await api('POST', '/api/v1/plans', {
    token: admin,
    body: {
      title: unique('Plan vacío'), entity: 'Administración Zonal de Prueba', year: 2030,
      elaborated_by: { name: 'Ana Pérez', position: 'Directora Zonal' },
    },
  });
  assert.equal(r.status, 201);
  return r.json;
}

async function newUnit(name = unique('Unidad')) {
  const r = await api('POST', '/api/v1/units', { token: admin, body: { name } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}


async function axesOf(planId, token = admin) {
  const r = await api('GET', `/api/v1/plans/${planId}/axes`, { token });
  assert.equal(r.status, 200);
  return r.json.items;
}

async function activitiesOf(planId, query = '', token = admin) {
  const r = await api('GET', `/api/v1/plans/${planId}/activities?limit=200${query}`, { token });
  assert.equal(r.status, 200, r.text.slice(0, 300));
  return r.json.items;
}

/** GET with the raw bytes of the body (fetch's text() would drop a BOM). */
async function getBytes(path, headers = {}) {
  const res = await fetch(BASE + path, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/**
 * A strict RFC 4180 parser: records end in CRLF (the last one too), fields are separated
 * by commas, a quoted field may hold commas, CR, LF and doubled quotes, an unquoted field
 * none of CR, LF or quotes, and every record has as many fields as the first.
 */
function parseCsv(text) {
  const records = [];
  let record = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            i += 1;
            break;
          }
        } else {
          field += text[i];
          i += 1;
        }
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`quote inside an unquoted field at ${i}`);
        field += text[i];
        i += 1;
      }
    }
    record.push(field);
    if (text[i] === ',') {
      i += 1;
      if (i >= text.length) throw new Error('a record ends in a comma at the end of the text');
    } else if (text[i] === '\r' && text[i + 1] === '\n') {
      i += 2;
      records.push(record);
      record = [];
    } else if (i >= text.length) {
      throw new Error('the last record does not end in CRLF');
    } else {
      throw new Error(`bare ${JSON.stringify(text[i])} at ${i} (expected a comma or CRLF)`);
    }
  }
  for (const [n, r] of records.entries()) {
    if (r.length !== records[0].length) throw new Error(`record ${n} has ${r.length} fields`);
  }
  return records;
}

/** Downloads a plan's schedule as CSV, checks the envelope and returns the records. */
async function scheduleCsv(planId, query = '', token) {
  const headers = { accept: 'text/csv' };
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await getBytes(`/api/v1/plans/${planId}/activities${query}`, headers);
  assert.equal(r.status, 200, r.bytes.toString('utf8').slice(0, 300));
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(r.headers.get('content-disposition'),
    `attachment; filename="cronograma-plan-${planId}.csv"`);
  assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'starts with a UTF-8 BOM');
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(r.bytes.subarray(3));
  return { text, records: parseCsv(text) };
}

// ---------------------------------------------------------------- building a plan

test('the administradora builds a draft: axis, agreement and activity, each 201 with Location and ETag', async () => {
  const plan = await emptyDraft();
  const unitA = await newUnit();
  const unitB = await newUnit();

  const axis = await api('POST', `/api/v1/plans/${plan.id}/axes`, {
    token: admin, body: { number: 1, name: ' \tEje de Prueba\r\n ', description: 'Un eje.\n' },
  });
  assert.equal(axis.status, 201, axis.text);
  assert.deepEqual(axis.json, {
    id: axis.json.id, plan_id: plan.id, number: 1, name: 'Eje de Prueba', description: 'Un eje.',
  });
  assert.equal(axis.headers.get('location'), `/api/v1/axes/${axis.json.id}`);
  assert.match(axis.headers.get('etag'), /^"[0-9a-f]{32}"$/);

  const agreement = await api('POST', `/api/v1/axes/${axis.json.id}/agreements`, {
    token: admin, body: { number: 1, text: 'Designar un responsable.' },
  });
  assert.equal(agreement.status, 201, agreement.text);
  assert.deepEqual(agreement.json, {
    id: agreement.json.id, axis_id: axis.json.id, number: 1, text: 'Designar un responsable.',
    observation_ids: [],
  });
  assert.equal(agreement.headers.get('location'), `/api/v1/agreements/${agreement.json.id}`);

  const activity = await api('POST', `/api/v1/axes/${axis.json.id}/activities`, {
    token: admin,
    body: { description: 'Hacer algo', due_month: 8, unit_ids: [unitB.id, unitA.id],
      agreement_id: agreement.json.id },
  });
  assert.equal(activity.status, 201, activity.text);
  const { updated_at: updatedAt, ...rest } = activity.json;
  assert.deepEqual(rest, {
    id: activity.json.id, axis_id: axis.json.id, plan_id: plan.id, number: 1,
    description: 'Hacer algo', due_month: 8,
    units: [{ id: unitB.id, name: unitB.name }, { id: unitA.id, name: unitA.name }],
    agreement_id: agreement.json.id, observation_ids: [], status: 'pending', progress: 0,
    overdue: false, amendment: null,
  });
  assert.match(updatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(activity.headers.get('location'), `/api/v1/activities/${activity.json.id}`);
  assert.match(activity.headers.get('etag'), /^"[0-9a-f]{32}"$/);

  const got = await api('GET', `/api/v1/activities/${activity.json.id}`, { token: admin });
  assert.equal(got.status, 200);
  assert.deepEqual(got.json, activity.json);
  assert.equal(got.headers.get('etag'), activity.headers.get('etag'));
});

test('an activity without a number takes the next free one of its axis', async () => {
  const plan = await importPlan('draft');
  const [, , axis3] = await axesOf(plan.id);
  const unit = await newUnit();
  const r = await api('POST', `/api/v1/axes/${axis3.id}/activities`, {
    token: admin, body: { description: 'Séptima', due_month: 3, unit_ids: [unit.id] },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.number, 7); // the seed's axis 3 has activities 1-6
  const explicit = await api('POST', `/api/v1/axes/${axis3.id}/activities`, {
    token: admin, body: { description: 'Vigésima', due_month: 3, unit_ids: [unit.id], number: 20 },
  });
  assert.equal(explicit.json.number, 20);
  const next = await api('POST', `/api/v1/axes/${axis3.id}/activities`, {
    token: admin, body: { description: 'Después', due_month: 3, unit_ids: [unit.id] },
  });
  assert.equal(next.json.number, 21);
  const last = await api('POST', `/api/v1/axes/${axis3.id}/activities`, {
    token: admin, body: { description: 'Última', due_month: 3, unit_ids: [unit.id], number: 10000 },
  });
  assert.equal(last.status, 201);
  const none = await api('POST', `/api/v1/axes/${axis3.id}/activities`, {
    token: admin, body: { description: 'Sin número', due_month: 3, unit_ids: [unit.id] },
  });
  assert.deepEqual(assertProblem(none, 422, 'number_required').errors.map((e) => e.pointer), ['/number']);
});

test('a taken number gives 409 naming the constraint, for axes, agreements and activities', async () => {
  const plan = await importPlan('draft');
  const [axis1] = await axesOf(plan.id);
  const unit = await newUnit();
  const dupAxis = await api('POST', `/api/v1/plans/${plan.id}/axes`, {
    token: admin, body: { number: 1, name: 'Otro' },
  });
  assertProblem(dupAxis, 409, 'axis_number_taken');
  const dupAgreement = await api('POST', `/api/v1/axes/${axis1.id}/agreements`, {
    token: admin, body: { number: 1, text: 'Otro' },
  });
  assertProblem(dupAgreement, 409, 'agreement_number_taken');
  const dupActivity = await api('POST', `/api/v1/axes/${axis1.id}/activities`, {
    token: admin, body: { number: 1, description: 'Otra', due_month: 1, unit_ids: [unit.id] },
  });
  assertProblem(dupActivity, 409, 'activity_number_taken');
});

test('lists of axes and agreements come in number order and page with a cursor', async () => {
  const plan = await importPlan('draft');
  const first = await api('GET', `/api/v1/plans/${plan.id}/axes?limit=3`, { token: admin });
  assert.equal(first.status, 200);
  assert.deepEqual(first.json.items.map((a) => a.number), [1, 2, 3]);
  assert.equal(typeof first.json.next_cursor, 'string');
  const second = await api('GET',
    `/api/v1/plans/${plan.id}/axes?limit=3&cursor=${encodeURIComponent(first.json.next_cursor)}`,
    { token: admin });
  assert.deepEqual(second.json.items.map((a) => a.number), [4]);
  assert.equal(second.json.next_cursor, null);

  const axis1 = first.json.items[0];
  const agreements = await api('GET', `/api/v1/axes/${axis1.id}/agreements`, { token: admin });
  assert.equal(agreements.status, 200);
  assert.deepEqual(agreements.json.items.map((g) => g.number), [1, 2, 3, 4]);
  assert.equal(agreements.json.items[3].text, 'Designar un responsable de Comunas.');
  assert.equal(agreements.json.next_cursor, null);
});

// ---------------------------------------------------------------- agreements ↔ observations

function observationsOf(planId) {
  const rows = sql(`SELECT o.id FROM observations o JOIN axes a ON a.id = o.axis_id
                    WHERE a.plan_id = ${planId} ORDER BY o.id`);
  return rows.split('\n').map(Number);
}

test('an agreement links accepted observations of its plan; PATCH replaces the list', async () => {
  const plan = await importPlan('draft');
  const [axis1] = await axesOf(plan.id);
  const [o1, o2, o3] = observationsOf(plan.id);
  const created = await api('POST', `/api/v1/axes/${axis1.id}/agreements`, {
    token: admin, body: { number: 9, text: 'Acuerdo', observation_ids: [o3, o1] },
  });
  assert.equal(created.status, 201, created.text);
  assert.deepEqual(created.json.observation_ids, [o1, o3]);
  const patched = await api('PATCH', `/api/v1/agreements/${created.json.id}`, {
    token: admin, body: { observation_ids: [o2] },
  });
  assert.equal(patched.status, 200, patched.text);
  assert.deepEqual(patched.json.observation_ids, [o2]);
  assert.equal(sql(`SELECT count(*) FROM agreement_observations WHERE agreement_id = ${created.json.id}`), '1');
  const list = await api('GET', `/api/v1/axes/${axis1.id}/agreements`, { token: admin });
  assert.deepEqual(list.json.items.find((g) => g.id === created.json.id).observation_ids, [o2]);
});

test('observation_ids outside the plan, not accepted, or repeated give 422 at /observation_ids/N', async () => {
  const plan = await importPlan('draft');
  const other = await importPlan('draft');
  const [axis1] = await axesOf(plan.id);
  const [o1, o2] = observationsOf(plan.id);
  const [foreign] = observationsOf(other.id);
  sql(`UPDATE observations SET status = 'in_review' WHERE id = ${o2}`);

  const outside = await api('POST', `/api/v1/axes/${axis1.id}/agreements`, {
    token: admin, body: { number: 9, text: 'Acuerdo', observation_ids: [o1, foreign] },
  });
  assert.deepEqual(assertProblem(outside, 422, 'unknown_observation').errors.map((e) => e.pointer), ['/observation_ids/1']);
  const notAccepted = await api('POST', `/api/v1/axes/${axis1.id}/agreements`, {
    token: admin, body: { number: 9, text: 'Acuerdo', observation_ids: [o2] },
  });
  assert.deepEqual(assertProblem(notAccepted, 422, 'observation_not_accepted').errors.map((e) => e.pointer), ['/observation_ids/0']);
  const repeated = await api('POST', `/api/v1/axes/${axis1.id}/agreements`, {
    token: admin, body: { number: 9, text: 'Acuerdo', observation_ids: [o1, o1] },
  });
  assert.deepEqual(assertProblem(repeated, 422, 'duplicate_item').errors.map((e) => e.pointer), ['/observation_ids/1']);
  const missing = await api('POST', `/api/v1/axes/${axis1.id}/agreements`, {
    token: admin, body: { number: 9, text: 'Acuerdo', observation_ids: [999999999] },
  });
  assert.deepEqual(assertProblem(missing, 422, 'unknown_observation').errors.map((e) => e.pointer), ['/observation_ids/0']);
  // Nothing was stored by the refused requests.
  assert.equal(sql(`SELECT count(*) FROM agreements WHERE axis_id = ${axis1.id} AND number = 9`), '0');
});

// ---------------------------------------------------------------- validation

test('unit_ids: unknown or repeated ids give 422 pointing at /unit_ids/N, and nothing is stored', async () => {
  const plan = await importPlan('draft');
  const [axis1] = await axesOf(plan.id);
  const unit = await newUnit();
  const url = `/api/v1/axes/${axis1.id}/activities`;
  const before = sql(`SELECT count(*) FROM activities WHERE axis_id = ${axis1.id}`);

  const unknown = await api('POST', url, {
    token: admin, body: { description: 'X', due_month: 5, unit_ids: [unit.id, 987654321] },
  });
  const p = assertProblem(unknown, 422, 'unknown_unit');
  assert.equal(p.code, 'validation_failed');
  assert.deepEqual(p.errors.map((e) => e.pointer), ['/unit_ids/1']);

  const repeated = await api('POST', url, {
    token: admin, body: { description: 'X', due_month: 5, unit_ids: [unit.id, unit.id] },
  });
  assert.deepEqual(assertProblem(repeated, 422, 'duplicate_item').errors.map((e) => e.pointer), ['/unit_ids/1']);

  const badItems = await api('POST', url, {
    token: admin, body: { description: 'X', due_month: 5, unit_ids: ['1', unit.id, 0] },
  });
  assert.deepEqual(assertProblem(badItems, 422, 'validation_failed').errors.map((e) => e.pointer).sort(),
    ['/unit_ids/0', '/unit_ids/2']);

  const empty = await api('POST', url, {
    token: admin, body: { description: 'X', due_month: 5, unit_ids: [] },
  });
  assert.deepEqual(assertProblem(empty, 422, 'validation_failed').errors.map((e) => e.pointer), ['/unit_ids']);

  const activity = (await activitiesOf(plan.id, `&axis_id=${axis1.id}`))[0];
  const patch = await api('PATCH', `/api/v1/activities/${activity.id}`, {
    token: admin, body: { unit_ids: [987654321] },
  });
  assert.deepEqual(assertProblem(patch, 422, 'unknown_unit').errors.map((e) => e.pointer), ['/unit_ids/0']);
  assert.equal(sql(`SELECT count(*) FROM activities WHERE axis_id = ${axis1.id}`), before);
});

test('an activity body is checked field by field with JSON pointers', async () => {
  const plan = await importPlan('draft');
  const [axis1] = await axesOf(plan.id);
  const r = await api('POST', `/api/v1/axes/${axis1.id}/activities`, {
    token: admin,
    body: { description: '   ', due_month: 13, status: 'done', number: 0 },
  });
  const p = assertProblem(r, 422, 'validation_failed');
  assert.deepEqual(p.errors.map((e) => e.pointer).sort(),
    ['/description', '/due_month', '/number', '/status', '/unit_ids']);
});

test('agreement_id must be an agreement of the same plan: 422 unknown_agreement at /agreement_id', async () => {
  const plan = await importPlan('draft');
  const other = await importPlan('draft');
  const [axis1] = await axesOf(plan.id);
  const [otherAxis] = await axesOf(other.id);
  const unit = await newUnit();
  const foreign = await api('GET', `/api/v1/axes/${otherAxis.id}/agreements`, { token: admin });
  const r = await api('POST', `/api/v1/axes/${axis1.id}/activities`, {
    token: admin,
    body: { description: 'X', due_month: 5, unit_ids: [unit.id], agreement_id: foreign.json.items[0].id },
  });
  assert.deepEqual(assertProblem(r, 422, 'unknown_agreement').errors.map((e) => e.pointer), ['/agreement_id']);

  // An agreement of another axis of the same plan is fine.
  const [, axis2] = await axesOf(plan.id);
  const own = await api('GET', `/api/v1/axes/${axis2.id}/agreements`, { token: admin });
  const ok = await api('POST', `/api/v1/axes/${axis1.id}/activities`, {
    token: admin,
    body: { description: 'X', due_month: 5, unit_ids: [unit.id], agreement_id: own.json.items[0].id },
  });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.agreement_id, own.json.items[0].id);
});

test('an empty PATCH gives 422 validation_failed at the root', async () => {
  const plan = await importPlan('draft');
  const [axis1] = await axesOf(plan.id);
  const r = await api('PATCH', `/api/v1/axes/${axis1.id}`, { token: admin, body: {} });
  assert.equal(assertProblem(r, 422, 'validation_failed').errors[0].pointer, '');
});

// ---------------------------------------------------------------- edits and deletes

test('PATCH of an activity changes the given members; unit_ids replaces the list in its order', async () => {
  const plan = await importPlan('draft');
  const [act] = await activitiesOf(plan.id);
  const u1 = await newUnit();
  const u2 = await newUnit();
  const r = await api('PATCH', `/api/v1/activities/${act.id}`, {
    token: admin, body: { due_month: 9, unit_ids: [u2.id, u1.id], agreement_id: null },
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.due_month, 9);
  assert.equal(r.json.description, act.description);
  assert.deepEqual(r.json.units, [{ id: u2.id, name: u2.name }, { id: u1.id, name: u1.name }]);
  const again = await api('PATCH', `/api/v1/activities/${act.id}`, {
    token: admin, body: { unit_ids: [u1.id, u2.id] },
  });
  assert.deepEqual(again.json.units.map((u) => u.id), [u1.id, u2.id]);
});

test('deleting an agreement keeps its activities with agreement_id null; deletes answer 204', async () => {
  const plan = await importPlan('draft');
  const [axis1] = await axesOf(plan.id);
  const unit = await newUnit();
  const agreement = await api('POST', `/api/v1/axes/${axis1.id}/agreements`, {
    token: admin, body: { number: 10, text: 'Temporal' },
  });
  const act = await api('POST', `/api/v1/axes/${axis1.id}/activities`, {
    token: admin, body: { description: 'Y', due_month: 2, unit_ids: [unit.id], agreement_id: agreement.json.id },
  });
  const del = await api('DELETE', `/api/v1/agreements/${agreement.json.id}`, { token: admin });
  assert.equal(del.status, 204);
  assert.equal(del.text, '');
  const after = await api('GET', `/api/v1/activities/${act.json.id}`, { token: admin });
  assert.equal(after.json.agreement_id, null);
  assertProblem(await api('DELETE', `/api/v1/agreements/${agreement.json.id}`, { token: admin }), 404, 'agreement_not_found');

  assert.equal((await api('DELETE', `/api/v1/activities/${act.json.id}`, { token: admin })).status, 204);
  assertProblem(await api('GET', `/api/v1/activities/${act.json.id}`, { token: admin }), 404, 'activity_not_found');

  assert.equal((await api('DELETE', `/api/v1/axes/${axis1.id}`, { token: admin })).status, 204);
  assertProblem(await api('GET', `/api/v1/axes/${axis1.id}`, { token: admin }), 404, 'axis_not_found');
  assert.equal((await activitiesOf(plan.id, `&axis_id=${axis1.id}`)).length, 0);
});

test('writes under a parent that does not exist give 404 naming the parent', async () => {
  const body = { description: 'Z', due_month: 1, unit_ids: [1] };
  assertProblem(await api('POST', '/api/v1/plans/999999999/axes', { token: admin, body: { number: 1, name: 'X' } }), 404, 'plan_not_found');
  assertProblem(await api('POST', '/api/v1/axes/999999999/activities', { token: admin, body }), 404, 'axis_not_found');
  assertProblem(await api('POST', '/api/v1/axes/999999999/agreements', { token: admin, body: { number: 1, text: 'X' } }), 404, 'axis_not_found');
});

test('changes to ids that do not exist give 404 naming the resource', async () => {
  assertProblem(await api('PATCH', '/api/v1/axes/999999999', { token: admin, body: { name: 'x' } }), 404, 'axis_not_found');
  assertProblem(await api('DELETE', '/api/v1/axes/999999999', { token: admin }), 404, 'axis_not_found');
  assertProblem(await api('PATCH', '/api/v1/agreements/999999999', { token: admin, body: { text: 'x' } }), 404, 'agreement_not_found');
  assertProblem(await api('DELETE', '/api/v1/agreements/999999999', { token: admin }), 404, 'agreement_not_found');
  assertProblem(await api('PATCH', '/api/v1/activities/999999999', { token: admin, body: { due_month: 2 } }), 404, 'activity_not_found');
  assertProblem(await api('DELETE', '/api/v1/activities/999999999', { token: admin }), 404, 'activity_not_found');
});

test('reads of ids that do not exist give 404 naming the resource', async () => {
  assertProblem(await api('GET', '/api/v1/axes/999999999'), 404, 'axis_not_found');
  assertProblem(await api('GET', '/api/v1/agreements/999999999'), 404, 'agreement_not_found');
  assertProblem(await api('GET', '/api/v1/activities/999999999'), 404, 'activity_not_found');
  assertProblem(await api('GET', '/api/v1/units/999999999'), 404, 'unit_not_found');
});

test('lists under a parent that does not exist give 404 naming the parent', async () => {
  assertProblem(await api('GET', '/api/v1/plans/999999999/axes'), 404, 'plan_not_found');
  assertProblem(await api('GET', '/api/v1/plans/999999999/activities'), 404, 'plan_not_found');
  assertProblem(await api('GET', '/api/v1/axes/999999999/agreements'), 404, 'axis_not_found');
});

test('structure changes are audited with the actor', async () => {
  const plan = await emptyDraft();
  const axis = await api('POST', `/api/v1/plans/${plan.id}/axes`, {
    token: admin, body: { number: 1, name: 'Auditado' },
  });
  const row = sql(`SELECT actor_sub || '|' || actor_role || '|' || action FROM audit_log
                   WHERE entity = 'axis' AND entity_id = ${axis.json.id}`);
  assert.equal(row, 'admin-structure|administradora|create');
});

// ---------------------------------------------------------------- the freeze

async function structureWrites(planId) {
  const [axis1] = await axesOf(planId);
  const [agreement] = (await api('GET', `/api/v1/axes/${axis1.id}/agreements`, { token: admin })).json.items;
  const [activity] = await activitiesOf(planId);
  return [
    ['POST', `/api/v1/plans/${planId}/axes`, { number: 9, name: 'Nuevo' }],
    ['PATCH', `/api/v1/axes/${axis1.id}`, { name: 'Otro nombre' }],
    ['DELETE', `/api/v1/axes/${axis1.id}`],
    ['POST', `/api/v1/axes/${axis1.id}/agreements`, { number: 9, text: 'Nuevo' }],
    ['PATCH', `/api/v1/agreements/${agreement.id}`, { text: 'Otro' }],
    ['DELETE', `/api/v1/agreements/${agreement.id}`],
    ['POST', `/api/v1/axes/${axis1.id}/activities`, { description: 'N', due_month: 1, unit_ids: [activity.units[0].id] }],
    ['PATCH', `/api/v1/activities/${activity.id}`, { due_month: 1 }],
    ['DELETE', `/api/v1/activities/${activity.id}`],
  ];
}

// An approved plan is amended only with a reason (plan_life.test.mjs): without one a
// creation or edit is 422 reason_required; a deletion stays draft-only (409).
test('after approval a structure write without a reason is refused', async () => {
  const plan = await importPlan('draft');
  const writes = await structureWrites(plan.id);
  const approved = await api('POST', `/api/v1/plans/${plan.id}/approve`, {
    token: admin, body: { name: 'Rosa Díaz', position: 'Administradora Zonal' },
  });
  assert.equal(approved.status, 200, approved.text);
  for (const [method, path, body] of writes) {
    const r = await api(method, path, { token: admin, body });
    if (method === 'DELETE') assertProblem(r, 409, 'plan_not_draft');
    else assert.ok(assertProblem(r, 422, 'reason_required').errors.some((e) => e.pointer === '/reason'));
  }
});

test('a closed plan is read-only: every structure write gives 409 plan_closed, reads still work', async () => {
  const plan = await importPlan('approved');
  const writes = await structureWrites(plan.id);
  assert.equal((await api('POST', `/api/v1/plans/${plan.id}/close`, { token: admin })).status, 200);
  for (const [method, path, body] of writes) {
    const r = await api(method, path, { token: admin, body });
    assertProblem(r, 409, 'plan_closed');
  }
  assert.equal((await activitiesOf(plan.id, '', null)).length, 16);
  assert.equal((await api('GET', `/api/v1/plans/${plan.id}/axes`)).status, 200);
});

test('units can be written whatever the state of the plans that use them', async () => {
  const plan = await importPlan('approved');
  const [act] = await activitiesOf(plan.id);
  const unit = act.units[0];
  // Renaming to the same name (another case is another name here) is allowed.
  const r = await api('PATCH', `/api/v1/units/${unit.id}`, { token: admin, body: { name: unit.name } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, unit);
});

// ---------------------------------------------------------------- who may

test('a draft\'s axes, agreements and activities are 404 for the public and citizens, 200 for directors', async () => {
  const plan = await importPlan('draft');
  const [axis1] = await axesOf(plan.id);
  const [act] = await activitiesOf(plan.id);
  const agreement = (await api('GET', `/api/v1/axes/${axis1.id}/agreements`, { token: admin })).json.items[0];
  const paths = [
    [`/api/v1/plans/${plan.id}/axes`, 'plan_not_found'], [`/api/v1/axes/${axis1.id}`, 'axis_not_found'],
    [`/api/v1/axes/${axis1.id}/agreements`, 'axis_not_found'], [`/api/v1/agreements/${agreement.id}`, 'agreement_not_found'],
    [`/api/v1/plans/${plan.id}/activities`, 'plan_not_found'], [`/api/v1/activities/${act.id}`, 'activity_not_found'],
  ];
  for (const [path, reason] of paths) {
    assertProblem(await api('GET', path), 404, reason);
    assertProblem(await api('GET', path, { token: citizen }), 404, reason);
    assert.equal((await api('GET', path, { token: director })).status, 200, path);
    assert.equal((await api('GET', path, { token: admin })).status, 200, path);
  }
  const csv = await getBytes(`/api/v1/plans/${plan.id}/activities`, { accept: 'text/csv' });
  assert.equal(csv.status, 404);
  assert.equal(JSON.parse(csv.bytes.toString('utf8')).reason, 'plan_not_found');
  const staffCsv = await scheduleCsv(plan.id, '', director);
  assert.equal(staffCsv.records.length, 17);
});

test('an approved plan\'s structure is public', async () => {
  const plan = await importPlan('approved');
  const [axis1] = await axesOf(plan.id, null);
  const [act] = await activitiesOf(plan.id, '', null);
  assert.equal((await api('GET', `/api/v1/axes/${axis1.id}`)).status, 200);
  assert.equal((await api('GET', `/api/v1/activities/${act.id}`, { token: citizen })).status, 200);
  assert.equal((await api('GET', `/api/v1/axes/${axis1.id}/agreements`)).json.items.length, 4);
});

test('structure writes: 401 token_required without a token, 403 role_forbidden for directores and ciudadanos', async () => {
  const plan = await importPlan('draft');
  const writes = await structureWrites(plan.id);
  const units = [['POST', '/api/v1/units', { name: unique('Unidad') }],
    ['PATCH', '/api/v1/units/1', { name: unique('Unidad') }]];
  for (const [method, path, body] of [...writes, ...units]) {
    const anon = await api(method, path, { body });
    assertProblem(anon, 401, 'token_required');
    assert.equal(anon.headers.get('www-authenticate'), 'Bearer');
    assertProblem(await api(method, path, { token: director, body }), 403, 'role_forbidden');
    assertProblem(await api(method, path, { token: citizen, body }), 403, 'role_forbidden');
  }
  // Nothing changed: the axis is still there with its name.
  const [axis1] = await axesOf(plan.id);
  assert.equal(axis1.name, 'Eje de Gobernabilidad e Institucionalidad');
});

test('403 role_forbidden wins over a bad body for roles that may not write', async () => {
  const plan = await importPlan('draft');
  const r = await api('POST', `/api/v1/plans/${plan.id}/axes`, { token: director, body: { bogus: 1 } });
  assertProblem(r, 403, 'role_forbidden');
});

// ---------------------------------------------------------------- units

test('units: anyone lists them; names are unique whatever their case (409 unit_name_taken)', async () => {
  const name = unique('Jefatura de Pruebas');
  const unit = await newUnit(name);
  assert.deepEqual(unit, { id: unit.id, name });
  const dup = await api('POST', '/api/v1/units', { token: admin, body: { name: ` ${name.toUpperCase()} ` } });
  assertProblem(dup, 409, 'unit_name_taken');
  const other = await newUnit();
  const rename = await api('PATCH', `/api/v1/units/${other.id}`, { token: admin, body: { name: name.toLowerCase() } });
  assertProblem(rename, 409, 'unit_name_taken');

  const seen = [];
  let cursor = null;
  do {
    const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await api('GET', `/api/v1/units?limit=7${q}`);
    assert.equal(page.status, 200);
    seen.push(...page.json.items);
    cursor = page.json.next_cursor;
  } while (cursor);
  const ids = seen.map((u) => u.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(seen.some((u) => u.id === unit.id && u.name === name));
  assert.ok(seen.some((u) => u.name === 'Jefatura de Comunicación'));
});

test('units: POST gives 201 with Location; PATCH renames, honouring If-Match', async () => {
  const unit = await api('POST', '/api/v1/units', { token: admin, body: { name: unique('Unidad nueva') } });
  assert.equal(unit.status, 201);
  assert.equal(unit.headers.get('location'), `/api/v1/units/${unit.json.id}`);
  const etag = unit.headers.get('etag');
  const renamed = await api('PATCH', `/api/v1/units/${unit.json.id}`, {
    token: admin, body: { name: `${unit.json.name} bis` }, headers: { 'if-match': etag },
  });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.json.name, `${unit.json.name} bis`);
  const stale = await api('PATCH', `/api/v1/units/${unit.json.id}`, {
    token: admin, body: { name: `${unit.json.name} ter` }, headers: { 'if-match': etag },
  });
  assertProblem(stale, 412, 'stale');
  assertProblem(await api('PATCH', '/api/v1/units/999999999', { token: admin, body: { name: unique('U') } }), 404, 'unit_not_found');
  assertProblem(await api('POST', '/api/v1/units', { token: admin, body: { name: '' } }), 422, 'validation_failed');
});

// ---------------------------------------------------------------- ETags

test('single resources carry an ETag: If-None-Match gives 304, a stale If-Match 412', async () => {
  const plan = await importPlan('draft');
  const [axis1] = await axesOf(plan.id);
  const [act] = await activitiesOf(plan.id);
  const [agreement] = (await api('GET', `/api/v1/axes/${axis1.id}/agreements`, { token: admin })).json.items;
  const cases = [
    [`/api/v1/axes/${axis1.id}`, { description: 'Cambiada' }],
    [`/api/v1/activities/${act.id}`, { description: 'Cambiada' }],
    [`/api/v1/agreements/${agreement.id}`, { text: 'Cambiado' }],
  ];
  for (const [path, change] of cases) {
    const first = await api('GET', path, { token: admin });
    const etag = first.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]{32}"$/, path);
    const again = await api('GET', path, { token: admin, headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304, path);
    assert.equal(again.text, '');
    const ok = await api('PATCH', path, { token: admin, body: change, headers: { 'if-match': etag } });
    assert.equal(ok.status, 200, `${path}: ${ok.text}`);
    assert.notEqual(ok.headers.get('etag'), etag);
    const stale = await api('PATCH', path, { token: admin, body: change, headers: { 'if-match': etag } });
    assertProblem(stale, 412, 'stale');
    const fresh = await api('GET', path, { token: admin, headers: { 'if-none-match': etag } });
    assert.equal(fresh.status, 200, path);
    assert.equal(fresh.headers.get('etag'), ok.headers.get('etag'));
  }
});

// ---------------------------------------------------------------- the seed's schedule

test('filters on the seed plan: due_month=8 gives the one August activity', async () => {
  const id = await seedPlanId();
  const items = await activitiesOf(id, '&due_month=8', null);
  assert.equal(items.length, 1);
  assert.equal(items[0].description, 'Designar un responsable de Comunas.');
  assert.equal(items[0].due_month, 8);
  assert.deepEqual(items[0].units.map((u) => u.name), ['Administradora Zonal']);
});

test('filters on the seed plan: axis_id, unit_id, status and overdue', async () => {
  const id = await seedPlanId();
  const all = await activitiesOf(id, '', null);
  assert.equal(all.length, 16);
  const axes = await axesOf(id, null);
  const social = axes.find((a) => a.number === 3);
  const byAxis = await activitiesOf(id, `&axis_id=${social.id}`, null);
  assert.equal(byAxis.length, 6);
  assert.ok(byAxis.every((a) => a.axis_id === social.id));

  const econ = all.find((a) => a.units.some((u) => u.name === 'Jefatura de Desarrollo Económico'))
    .units.find((u) => u.name === 'Jefatura de Desarrollo Económico');
  const byUnit = await activitiesOf(id, `&unit_id=${econ.id}`, null);
  assert.equal(byUnit.length, 2);
  const habitat = all.flatMap((a) => a.units).find((u) => u.name === 'Dirección Zonal de Hábitat y Obra Pública');
  assert.equal((await activitiesOf(id, `&unit_id=${habitat.id}`, null)).length, 3);

  for (const status of ['pending', 'in_progress', 'done', 'cancelled']) {
    const items = await activitiesOf(id, `&status=${status}`, null);
    assert.equal(items.length, all.filter((a) => a.status === status).length, status);
    assert.ok(items.every((a) => a.status === status));
  }
  const overdue = await activitiesOf(id, '&overdue=true', null);
  const notOverdue = await activitiesOf(id, '&overdue=false', null);
  assert.equal(overdue.length + notOverdue.length, 16);
  assert.ok(overdue.every((a) => a.overdue === true));
  assert.ok(notOverdue.every((a) => a.overdue === false));
  // The seed is of 2024: once 2024 is over, every activity neither done nor cancelled is overdue.
  if (new Date().getUTCFullYear() > 2024) {
    assert.equal(overdue.length, all.filter((a) => !['done', 'cancelled'].includes(a.status)).length);
  }
  const combined = await activitiesOf(id, `&axis_id=${social.id}&due_month=8`, null);
  assert.equal(combined.length, 0);
});

test('overdue is computed from the plan year, the due month and today', async () => {
  const [thisYear, month] = adminToday().split('-').map(Number);
  const plan = await importPlan('approved', (d) => {
    d.year = thisYear;
    const acts = d.axes[0].activities;
    acts[0].due_month = month;            // due this month: not overdue yet
    acts[1].due_month = month > 1 ? month - 1 : 1;
    acts[1].status = 'pending';           // last month's: overdue (unless it is January)
    acts[2].due_month = 1;
    acts[2].status = 'done';
    acts[2].progress = 100;               // done: never overdue
    return d;
  });
  const acts = await activitiesOf(plan.id, `&axis_id=${(await axesOf(plan.id))[0].id}`);
  assert.equal(acts[0].overdue, false);
  assert.equal(acts[1].overdue, month > 1);
  assert.equal(acts[2].overdue, false);
});

test('pagination with limit=5 walks all 16 seed activities once, ending with next_cursor null', async () => {
  const id = await seedPlanId();
  const seen = [];
  const sizes = [];
  let cursor = null;
  for (let pages = 0; pages < 10; pages++) {
    const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const r = await api('GET', `/api/v1/plans/${id}/activities?limit=5${q}`);
    assert.equal(r.status, 200);
    seen.push(...r.json.items.map((a) => a.id));
    sizes.push(r.json.items.length);
    cursor = r.json.next_cursor;
    if (cursor === null) break;
    assert.equal(typeof cursor, 'string');
  }
  assert.equal(cursor, null);
  assert.deepEqual(sizes, [5, 5, 5, 1]);
  assert.equal(seen.length, 16);
  assert.equal(new Set(seen).size, 16);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
  const all = await activitiesOf(id, '', null);
  assert.deepEqual(seen, all.map((a) => a.id));
});

test('list items are the same representation as the single reads', async () => {
  const id = await seedPlanId();
  const [first] = await activitiesOf(id, '', null);
  const single = await api('GET', `/api/v1/activities/${first.id}`);
  assert.equal(single.status, 200);
  assert.deepEqual(first, single.json);
  const [axis] = await axesOf(id, null);
  assert.deepEqual(axis, (await api('GET', `/api/v1/axes/${axis.id}`)).json);
  const [agreement] = (await api('GET', `/api/v1/axes/${axis.id}/agreements`)).json.items;
  assert.deepEqual(agreement, (await api('GET', `/api/v1/agreements/${agreement.id}`)).json);
  const [unit] = (await api('GET', '/api/v1/units?limit=1')).json.items;
  assert.deepEqual(unit, (await api('GET', `/api/v1/units/${unit.id}`)).json);
});

test('bad list parameters give 400 invalid_parameter: limit and each filter', async () => {
  const id = await seedPlanId();
  for (const q of ['limit=0', 'limit=201', 'due_month=13', 'due_month=0',
    'due_month=abc', 'status=finished', 'overdue=yes', 'axis_id=-1', 'unit_id=x']) {
    const r = await api('GET', `/api/v1/plans/${id}/activities?${q}`);
    const p = assertProblem(r, 400, 'invalid_parameter');
    assert.ok(p.detail.includes(`'${q.split('=')[0]}'`), `${q}: the detail names the parameter: ${p.detail}`);
  }
});

test('a bad cursor gives 400 invalid_cursor on every list', async () => {
  const id = await seedPlanId();
  for (const q of ['cursor=not-a-cursor', 'cursor=']) {
    assertProblem(await api('GET', `/api/v1/plans/${id}/activities?${q}`), 400, 'invalid_cursor');
  }
  assertProblem(await api('GET', `/api/v1/plans/${id}/axes?cursor=zzz`), 400, 'invalid_cursor');
  assertProblem(await api('GET', '/api/v1/units?cursor=zzz'), 400, 'invalid_cursor');
});

// ---------------------------------------------------------------- CSV

test('the seed plan\'s schedule as CSV: header and 16 rows, Spanish months, units joined, strict RFC 4180', async () => {
  const id = await seedPlanId();
  const { text, records } = await scheduleCsv(id);
  assert.equal(text.split('\r\n').length - 1, 17, '17 CRLF-terminated lines');
  assert.equal(records.length, 17);
  assert.deepEqual(records[0], ['eje', 'actividad', 'mes', 'responsables', 'estado', 'avance']);
  const rows = records.slice(1);
  assert.ok(rows.every((r) => r.length === 6));
  assert.ok(rows.every((r) => MONTHS.includes(r[2])), 'months are Spanish names');
  assert.equal(rows.filter((r) => r[2] === 'Agosto').length, 1);
  assert.equal(rows.filter((r) => r[2] === 'Diciembre').length, 15);
  const august = rows.find((r) => r[2] === 'Agosto');
  assert.deepEqual(august.slice(0, 4), ['1. Eje de Gobernabilidad e Institucionalidad',
    'Designar un responsable de Comunas.', 'Agosto', 'Administradora Zonal']);
  assert.ok(rows.some((r) => r[3] === 'Jefatura de Comunicación / Dirección Zonal de Hábitat y Obra Pública'));
  assert.ok(rows.some((r) => r[3] === 'Dirección Zonal de Hábitat y Obra Pública / Dirección Zonal Administrativa Financiera / Dirección Zonal de Asesoría Jurídica'));
  assert.ok(rows.every((r) => ['pendiente', 'en curso', 'cumplida', 'cancelada'].includes(r[4])));
  assert.ok(rows.every((r) => /^(100|[1-9]?[0-9])%$/.test(r[5])));
  // The plan's order: axis by axis, activity by activity.
  assert.deepEqual(rows.map((r) => r[0].split('.')[0]),
    ['1', '1', '1', '1', '2', '2', '3', '3', '3', '3', '3', '3', '4', '4', '4', '4']);
  // The same activities as the JSON list, whatever the page size there.
  const json = await activitiesOf(id, '', null);
  assert.deepEqual(rows.map((r) => r[1]).sort(), json.map((a) => a.description).sort());
});

test('the CSV honours the filters and ignores pagination', async () => {
  const id = await seedPlanId();
  const { records } = await scheduleCsv(id, '?due_month=8&limit=1&cursor=whatever');
  assert.equal(records.length, 2);
  assert.equal(records[1][1], 'Designar un responsable de Comunas.');
  const none = await scheduleCsv(id, '?due_month=1');
  assert.deepEqual(none.records, [['eje', 'actividad', 'mes', 'responsables', 'estado', 'avance']]);
  const bad = await getBytes(`/api/v1/plans/${id}/activities?due_month=13`, { accept: 'text/csv' });
  assert.equal(bad.status, 400);
  assert.equal(JSON.parse(bad.bytes.toString('utf8')).reason, 'invalid_parameter');
});

test('the CSV writes statuses in Spanish and progress as a percentage', async () => {
  const plan = await importPlan('approved', (d) => {
    const acts = d.axes[0].activities;
    Object.assign(acts[0], { status: 'in_progress', progress: 40 });
    Object.assign(acts[1], { status: 'done', progress: 100 });
    Object.assign(acts[2], { status: 'cancelled', progress: 10 });
    return d;
  });
  const { records } = await scheduleCsv(plan.id, `?axis_id=${(await axesOf(plan.id))[0].id}`);
  assert.deepEqual(records.slice(1).map((r) => [r[4], r[5]]),
    [['en curso', '40%'], ['cumplida', '100%'], ['cancelada', '10%'], ['pendiente', '0%']]);
});

test('the CSV quotes what needs quoting and neutralises formulas', async () => {
  const plan = await importPlan('approved', (d) => {
    const acts = d.axes[1].activities;
    acts[0].description = '=HYPERLINK("http://evil.example","clic")';
    acts[1].description = 'Línea uno, "dos"\r\nlínea tres';
    acts[1].units = ['@Unidad ' + unique('rara'), '-Unidad ' + unique('menos')];
    return d;
  });
  const { text, records } = await scheduleCsv(plan.id, `?axis_id=${(await axesOf(plan.id))[1].id}`);
  assert.equal(records[1][1], '\'=HYPERLINK("http://evil.example","clic")');
  assert.equal(records[2][1], 'Línea uno, "dos"\r\nlínea tres');
  assert.match(records[2][3], /^'@Unidad rara .* \/ -Unidad menos /);
  assert.ok(text.includes('"\'=HYPERLINK(""http://evil.example"",""clic"")"'));
});

test('Accept decides between JSON and CSV; one allowing neither gives 406', async () => {
  const id = await seedPlanId();
  const path = `/api/v1/plans/${id}/activities`;
  const xml = await api('GET', path, { headers: { accept: 'application/xml' } });
  assertProblem(xml, 406);
  assertProblem(await api('GET', path, { headers: { accept: 'text/csv;q=0, application/json;q=0' } }), 406);
  for (const accept of ['*/*', 'application/json', 'application/*', 'text/csv;q=0.5, application/json',
    'text/csv;q=0, */*', 'text/csv, application/json']) {
    const r = await api('GET', path, { headers: { accept } });
    assert.equal(r.status, 200, accept);
    assert.match(r.headers.get('content-type'), /^application\/json/, accept);
  }
  for (const accept of ['text/csv', 'text/*', 'application/json;q=0.1, text/csv', 'TEXT/CSV; charset=utf-8']) {
    const r = await getBytes(path, { accept });
    assert.equal(r.status, 200, accept);
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8', accept);
  }
});
