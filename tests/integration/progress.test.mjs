// Progress updates: who may report on an activity, the status that follows progress,
// validation, the plan states that allow it, and the timeline. Every test works on its
// own imported copy of the seed plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api, assertProblem, tokenFor, seedDocument, sql, importSeedCopy, activityId } from './lib.mjs';

const admin = tokenFor('administradora', { sub: 'progress-admin@example.org' });
const HABITAT = 'Dirección Zonal de Hábitat y Obra Pública';
const COMUNICACION = 'Jefatura de Comunicación';
const CULTURA = 'Unidad Zonal de Cultura';

const importCopy = (change) => importSeedCopy('Plan avance', change, admin);

function unitId(name) {
  return Number(sql(`SELECT id FROM units WHERE name = '${name.replace(/'/g, "''")}'`));
}

function director(unit, sub = `director-${unit}@example.org`) {
  return tokenFor('directores', { sub, unit_id: unit });
}

/** The activity as the plan document shows it. */
async function documentActivity(planId, axis, number) {
  const res = await api('GET', `/api/v1/plans/${planId}/document`, { token: admin });
  assert.equal(res.status, 200);
  return res.json.axes.find((a) => a.number === axis).activities.find((t) => t.number === number);
}

function report(id, token, body) {
  return api('POST', `/api/v1/activities/${id}/updates`, { token, body });
}

test('a director of the unit reports progress: 201, Location and the update', async () => {
  const plan = await importCopy();
  const id = activityId(plan, 4, 1); // Hábitat y Obra Pública
  const token = director(unitId(HABITAT), 'habitat@example.org');
  const res = await report(id, token, {
    progress: 40, note: '  Se inició la recuperación de la quebrada.  ',
    evidence_url: 'https://example.org/informe.pdf',
  });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.headers.get('location'), `/api/v1/activities/${id}/updates/${res.json.id}`);
  assert.ok(res.headers.get('etag'));
  assert.deepEqual(Object.keys(res.json), ['id', 'activity_id', 'progress', 'status', 'note',
    'evidence_url', 'unit', 'author_sub', 'created_at']);
  assert.equal(res.json.activity_id, id);
  assert.equal(res.json.progress, 40);
  assert.equal(res.json.status, 'in_progress');
  assert.equal(res.json.note, 'Se inició la recuperación de la quebrada.');
  assert.equal(res.json.evidence_url, 'https://example.org/informe.pdf');
  assert.equal(res.json.author_sub, 'habitat@example.org');
  assert.deepEqual(res.json.unit, { id: unitId(HABITAT), name: HABITAT });
  assert.match(res.json.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('the Location of a report reads back with the same body and ETag; publicly without author_sub', async () => {
  const plan = await importCopy();
  const id = activityId(plan, 4, 1);
  const res = await report(id, admin, { progress: 10, note: 'Inicio' });
  assert.equal(res.status, 201, res.text);
  const got = await api('GET', res.headers.get('location'), { token: admin });
  assert.equal(got.status, 200);
  assert.deepEqual(got.json, res.json);
  assert.equal(got.headers.get('etag'), res.headers.get('etag'));
  // Issue 17: the public sees the unit the report speaks for, not the person.
  const pub = await api('GET', res.headers.get('location'));
  assert.equal(pub.status, 200);
  const { author_sub: _, ...rest } = res.json;
  assert.deepEqual(pub.json, rest);
});

test('a report read under another activity of the plan is 404 progress_update_not_found', async () => {
  const plan = await importCopy();
  const res = await report(activityId(plan, 4, 1), admin, { progress: 10, note: 'Inicio' });
  assert.equal(res.status, 201, res.text);
  const other = activityId(plan, 4, 2);
  assertProblem(await api('GET', `/api/v1/activities/${other}/updates/${res.json.id}`), 404, 'progress_update_not_found');
});

test('a report that does not exist, of an activity that does, is 404 progress_update_not_found', async () => {
  const plan = await importCopy();
  assertProblem(await api('GET', `/api/v1/activities/${activityId(plan, 4, 1)}/updates/999999999`), 404,
    'progress_update_not_found');
});

test('a report read under an activity that does not exist is 404 progress_update_not_found', async () => {
  // A single read names the resource it reads, whichever part of its path is missing.
  assertProblem(await api('GET', '/api/v1/activities/999999999/updates/1'), 404, 'progress_update_not_found');
});

test('the activity takes the progress and status of the update', async () => {
  const plan = await importCopy();
  const id = activityId(plan, 4, 1);
  const res = await report(id, director(unitId(HABITAT)), { progress: 65, note: 'Avance' });
  assert.equal(res.status, 201, res.text);
  const act = await documentActivity(plan, 4, 1);
  assert.equal(act.progress, 65);
  assert.equal(act.status, 'in_progress');
  const got = await api('GET', `/api/v1/activities/${id}`);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.json.progress, 65);
  assert.equal(got.json.status, 'in_progress');
});

test('without a status, 0 gives pending, 1-99 in_progress and 100 done', async () => {
  const plan = await importCopy();
  const id = activityId(plan, 1, 3);
  for (const [progress, status] of [[1, 'in_progress'], [0, 'pending'], [99, 'in_progress'], [100, 'done']]) {
    const res = await report(id, admin, { progress, note: `avance ${progress}` });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.status, status, `progress ${progress}`);
    assert.equal((await documentActivity(plan, 1, 3)).status, status);
  }
});

test('an update without evidence_url has evidence_url null', async () => {
  const plan = await importCopy();
  const res = await report(activityId(plan, 1, 1), admin, { progress: 10, note: 'Inicio' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.evidence_url, null);
});

test('the administradora reports on any activity and is the author', async () => {
  const plan = await importCopy();
  const res = await report(activityId(plan, 2, 1), admin, { progress: 20, note: 'Seguimiento' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.author_sub, 'progress-admin@example.org');
});

test('a director of any of the activity\'s units may report on it', async () => {
  const plan = await importCopy();
  const id = activityId(plan, 1, 2); // Comunicación and Hábitat
  const res = await report(id, director(unitId(COMUNICACION)), { progress: 30, note: 'Comités' });
  assert.equal(res.status, 201, res.text);
  const again = await report(id, director(unitId(HABITAT)), { progress: 35, note: 'Comités 2' });
  assert.equal(again.status, 201, again.text);
});

test('a director of another unit gets 403 not_your_unit and nothing changes', async () => {
  const plan = await importCopy();
  const id = activityId(plan, 4, 1);
  const res = await report(id, director(unitId(CULTURA)), { progress: 50, note: 'No es mío' });
  assertProblem(res, 403, 'not_your_unit');
  assert.equal(sql(`SELECT count(*) FROM progress_updates WHERE activity_id = ${id}`), '0');
  assert.equal((await documentActivity(plan, 4, 1)).progress, 0);
});

test('a director of a unit that does not exist gets 403 not_your_unit', async () => {
  const plan = await importCopy();
  const res = await report(activityId(plan, 4, 1), director(987654321), { progress: 5, note: 'x y z' });
  assertProblem(res, 403, 'not_your_unit');
});

test('a citizen gets 403 role_forbidden', async () => {
  const plan = await importCopy();
  const res = await report(activityId(plan, 4, 1), tokenFor('ciudadanos'), { progress: 5, note: 'Hola' });
  assertProblem(res, 403, 'role_forbidden');
});

test('without a token the answer is 401 token_required with WWW-Authenticate: Bearer', async () => {
  const plan = await importCopy();
  const res = await report(activityId(plan, 4, 1), null, { progress: 5, note: 'Hola' });
  assertProblem(res, 401, 'token_required');
  assert.equal(res.headers.get('www-authenticate'), 'Bearer');
});

test('a citizen gets 403 role_forbidden even with an invalid body', async () => {
  const plan = await importCopy();
  const res = await report(activityId(plan, 4, 1), tokenFor('ciudadanos'), { progress: 'x' });
  assertProblem(res, 403, 'role_forbidden');
});

test('evidence_url javascript:alert(1) is 422 at /evidence_url', async () => {
  const plan = await importCopy();
  const res = await report(activityId(plan, 1, 1), admin, {
    progress: 10, note: 'Evidencia', evidence_url: 'javascript:alert(1)',
  });
  const p = assertProblem(res, 422, 'validation_failed');
  assert.deepEqual(p.errors.map((e) => e.pointer), ['/evidence_url']);
});

test('evidence_url must be http or https (ftp, relative, data: are 422)', async () => {
  const plan = await importCopy();
  const id = activityId(plan, 1, 1);
  for (const url of ['ftp://example.org/a', '/informe.pdf', 'data:text/html,hi', 'https://']) {
    const res = await report(id, admin, { progress: 10, note: 'Evidencia', evidence_url: url });
    assert.deepEqual(assertProblem(res, 422, 'validation_failed').errors.map((e) => e.pointer), ['/evidence_url'], url);
  }
  const ok = await report(id, admin, { progress: 10, note: 'Evidencia', evidence_url: 'http://example.org/a' });
  assert.equal(ok.status, 201, ok.text);
});

test('status done with progress below 100 is 422 invalid_progress at /progress and stores nothing', async () => {
  const plan = await importCopy();
  const id = activityId(plan, 1, 1);
  const res = await report(id, admin, { progress: 80, status: 'done', note: 'Terminado' });
  const p = assertProblem(res, 422, 'invalid_progress');
  assert.deepEqual(p.errors.map((e) => e.pointer), ['/progress']);
  assert.equal(sql(`SELECT count(*) FROM progress_updates WHERE activity_id = ${id}`), '0');
  assert.equal(sql(`SELECT progress || ' ' || status FROM activities WHERE id = ${id}`), '0 pending');
});

test('progress 100 with status pending or in_progress is 422 invalid_progress at /progress', async () => {
  const plan = await importCopy();
  const id = activityId(plan, 1, 1);
  for (const status of ['pending', 'in_progress']) {
    const res = await report(id, admin, { progress: 100, status, note: 'Cien' });
    assert.deepEqual(assertProblem(res, 422, 'invalid_progress').errors.map((e) => e.pointer), ['/progress'], status);
  }
});

test('status done with progress 100 is accepted', async () => {
  const plan = await importCopy();
  const res = await report(activityId(plan, 1, 1), admin, { progress: 100, status: 'done', note: 'Fin' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.status, 'done');
});

test('cancelled is accepted with any progress', async () => {
  const plan = await importCopy();
  for (const [n, progress] of [[1, 0], [2, 45], [3, 100]]) {
    const id = activityId(plan, 1, n);
    const res = await report(id, admin, { progress, status: 'cancelled', note: 'Se cancela' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.status, 'cancelled');
    const act = await documentActivity(plan, 1, n);
    assert.equal(act.status, 'cancelled');
    assert.equal(act.progress, progress);
  }
});

test('a bad body is 422 validation_failed with a pointer to each bad member', async () => {
  const plan = await importCopy();
  const id = activityId(plan, 1, 1);
  const cases = [
    [{ note: 'Sin avance' }, ['/progress']],
    [{ progress: 101, note: 'x' }, ['/progress']],
    [{ progress: -1, note: 'x' }, ['/progress']],
    [{ progress: 12.5, note: 'x' }, ['/progress']],
    [{ progress: 10 }, ['/note']],
    [{ progress: 10, note: '   ' }, ['/note']],
    [{ progress: 10, note: 'x'.repeat(5001) }, ['/note']],
    [{ progress: 10, note: 'x', status: 'finished' }, ['/status']],
    [{ progress: 10, note: 'x', extra: 1 }, ['/extra']],
  ];
  for (const [body, pointers] of cases) {
    const res = await report(id, admin, body);
    const p = assertProblem(res, 422, 'validation_failed');
    assert.deepEqual(p.errors.map((e) => e.pointer).sort(), pointers, JSON.stringify(body).slice(0, 80));
  }
  const long = await report(id, admin, { progress: 10, note: 'x'.repeat(5000) });
  assert.equal(long.status, 201);
});

test('a body that is not JSON is 400 invalid_json', async () => {
  const plan = await importCopy();
  const res = await api('POST', `/api/v1/activities/${activityId(plan, 1, 1)}/updates`, {
    token: admin, headers: { 'content-type': 'application/json' }, raw: '{"progress":',
  });
  assertProblem(res, 400, 'invalid_json');
});

test('a report without a body is 400 body_required', async () => {
  const plan = await importCopy();
  assertProblem(await report(activityId(plan, 1, 1), admin, undefined), 400, 'body_required');
});

test('an update on a draft plan is 409 plan_not_approved', async () => {
  const plan = await importCopy((d) => {
    const { approved_by: _ignored, ...rest } = d;
    return { ...rest, status: 'draft' };
  });
  const res = await report(activityId(plan, 4, 1), director(unitId(HABITAT)), { progress: 10, note: 'Borrador' });
  assertProblem(res, 409, 'plan_not_approved');
});

test('an update on a closed plan is 409 plan_closed', async () => {
  const plan = await importCopy();
  const closed = await api('POST', `/api/v1/plans/${plan}/close`, { token: admin });
  assert.equal(closed.status, 200, closed.text);
  const res = await report(activityId(plan, 4, 1), admin, { progress: 10, note: 'Cerrado' });
  assertProblem(res, 409, 'plan_closed');
});

test('an unknown activity is 404 activity_not_found for reports and for the timeline', async () => {
  const res = await report(999999999, admin, { progress: 10, note: 'Nada' });
  assertProblem(res, 404, 'activity_not_found');
  assertProblem(await api('GET', '/api/v1/activities/999999999/updates'), 404, 'activity_not_found');
});

test('the timeline lists updates oldest first', async () => {
  const plan = await importCopy();
  const id = activityId(plan, 3, 1);
  const ids = [];
  for (const progress of [10, 30, 20]) {
    const res = await report(id, admin, { progress, note: `avance ${progress}` });
    assert.equal(res.status, 201);
    ids.push(res.json.id);
  }
  const res = await api('GET', `/api/v1/activities/${id}/updates`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.items.map((u) => u.id), ids);
  assert.deepEqual(res.json.items.map((u) => u.progress), [10, 30, 20]);
  assert.equal(res.json.next_cursor, null);
  assert.equal(res.json.items[0].author_sub, undefined, 'the public sees no author');
  const staff = await api('GET', `/api/v1/activities/${id}/updates`, { token: admin });
  assert.equal(staff.json.items[0].author_sub, 'progress-admin@example.org');
});

test('the timeline pages with limit and cursor', async () => {
  const plan = await importCopy();
  const id = activityId(plan, 3, 2);
  const ids = [];
  for (const progress of [5, 10, 15, 20, 25]) {
    ids.push((await report(id, admin, { progress, note: 'paso' })).json.id);
  }
  const seen = [];
  let cursor = null;
  let pages = 0;
  do {
    const q = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const res = await api('GET', `/api/v1/activities/${id}/updates?limit=2${q}`);
    assert.equal(res.status, 200);
    assert.ok(res.json.items.length <= 2);
    seen.push(...res.json.items.map((u) => u.id));
    cursor = res.json.next_cursor;
    pages += 1;
  } while (cursor && pages < 10);
  assert.deepEqual(seen, ids);
  assert.equal(pages, 3);
  assertProblem(await api('GET', `/api/v1/activities/${id}/updates?cursor=nonsense`), 400, 'invalid_cursor');
  assertProblem(await api('GET', `/api/v1/activities/${id}/updates?limit=0`), 400, 'invalid_parameter');
});

test('an activity without updates has an empty timeline', async () => {
  const plan = await importCopy();
  const res = await api('GET', `/api/v1/activities/${activityId(plan, 3, 6)}/updates`);
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { items: [], next_cursor: null });
});

test('the timeline of a closed plan stays public', async () => {
  const plan = await importCopy();
  const id = activityId(plan, 3, 3);
  assert.equal((await report(id, admin, { progress: 50, note: 'Talleres' })).status, 201);
  assert.equal((await api('POST', `/api/v1/plans/${plan}/close`, { token: admin })).status, 200);
  const res = await api('GET', `/api/v1/activities/${id}/updates`);
  assert.equal(res.status, 200);
  assert.equal(res.json.items.length, 1);
});

test('the timeline of a draft plan is 404 activity_not_found to the public and citizens, 200 to staff', async () => {
  const plan = await importCopy((d) => {
    const { approved_by: _ignored, ...rest } = d;
    return { ...rest, status: 'draft' };
  });
  const id = activityId(plan, 1, 1);
  assertProblem(await api('GET', `/api/v1/activities/${id}/updates`), 404, 'activity_not_found');
  assertProblem(await api('GET', `/api/v1/activities/${id}/updates`, { token: tokenFor('ciudadanos') }), 404, 'activity_not_found');
  const staff = await api('GET', `/api/v1/activities/${id}/updates`, { token: director(unitId(CULTURA)) });
  assert.equal(staff.status, 200);
  assert.deepEqual(staff.json.items, []);
});

test('parallel reports on one plan all land, each activity keeping its last one', async () => {
  const plan = await importCopy();
  const targets = [[3, 1], [3, 2], [3, 3], [3, 4], [3, 5], [3, 6]].map(([a, n]) => activityId(plan, a, n));
  const sends = [];
  for (const id of targets) {
    for (const progress of [10, 20]) sends.push(report(id, admin, { progress, note: `paralelo ${progress}` }));
  }
  const results = await Promise.all(sends);
  assert.deepEqual(results.map((r) => r.status), Array(12).fill(201));
  for (const id of targets) {
    const last = sql(`SELECT progress FROM progress_updates WHERE activity_id = ${id} ORDER BY id DESC LIMIT 1`);
    assert.equal(sql(`SELECT progress FROM activities WHERE id = ${id}`), last);
  }
});
