// Traceability: the links between observations, agreements and activities, each
// observation's outcome, the document's links by number, the seed's ten links and the
// "Incorporación de aportes ciudadanos" report (JSON and CSV). Tests that change data work
// on their own imported copy of the seed plan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASE, api, assertProblem, tokenFor, seedDocument, seedPlanId, sql, importSeedCopy, activityId } from './lib.mjs';

const admin = tokenFor('administradora', { sub: 'trace-admin@example.org' });
const citizen = tokenFor('ciudadanos', { sub: 'trace-citizen@example.org' });

/** Imports the seed under a new title, with the status given (approved by default). */
const importCopy = (status = 'approved', change = (d) => d) =>
  importSeedCopy('Plan trazabilidad', (d) => change({ ...d, status }), admin);

/** The id of item `number` (1-based) of an axis's observations or contributions. */
function obsId(planId, axis, kind, number) {
  return Number(sql(`SELECT o.id FROM observations o JOIN axes a ON a.id = o.axis_id
                     WHERE a.plan_id = ${planId} AND a.number = ${axis} AND o.kind = '${kind}'
                       AND o.number = ${number}`));
}

function agreementId(planId, axis, number) {
  return Number(sql(`SELECT g.id FROM agreements g JOIN axes a ON a.id = g.axis_id
                     WHERE a.plan_id = ${planId} AND a.number = ${axis} AND g.number = ${number}`));
}

function axisId(planId, axis) {
  return Number(sql(`SELECT id FROM axes WHERE plan_id = ${planId} AND number = ${axis}`));
}

/** Every link of a document as text: "axis 1: activity 1 → agreement 1", … */
function documentLinks(doc) {
  const out = [];
  for (const a of doc.axes) {
    for (const g of a.agreements) {
      for (const n of g.responds_to?.observations ?? []) out.push(`axis ${a.number}: agreement ${g.number} → observation ${n}`);
      for (const n of g.responds_to?.contributions ?? []) out.push(`axis ${a.number}: agreement ${g.number} → contribution ${n}`);
    }
    for (const t of a.activities) {
      if (t.agreement != null) out.push(`axis ${a.number}: activity ${t.number} → agreement ${t.agreement}`);
      for (const n of t.responds_to?.observations ?? []) out.push(`axis ${a.number}: activity ${t.number} → observation ${n}`);
      for (const n of t.responds_to?.contributions ?? []) out.push(`axis ${a.number}: activity ${t.number} → contribution ${n}`);
    }
  }
  return out;
}

const TEN_LINKS = [
  'axis 1: activity 1 → agreement 1', 'axis 1: activity 2 → agreement 2',
  'axis 1: activity 3 → agreement 3', 'axis 1: activity 4 → agreement 4',
  'axis 2: activity 1 → observation 1', 'axis 2: activity 2 → observation 2',
  'axis 4: activity 1 → observation 1', 'axis 4: activity 2 → observation 2',
  'axis 4: activity 3 → observation 3', 'axis 4: activity 4 → observation 4',
];

// ---------------------------------------------------------------- the seed's links

test('the shipped seed carries exactly the ten links of the signed document, each the same sentence twice', async () => {
  const doc = seedDocument();
  assert.deepEqual(documentLinks(doc), TEN_LINKS);
  const norm = (s) => s.trim().replace(/\.$/, '').trim();
  for (const a of doc.axes) {
    for (const t of a.activities) {
      if (t.agreement != null) {
        assert.equal(norm(t.description), norm(a.agreements.find((g) => g.number === t.agreement).text));
      }
      for (const n of t.responds_to.observations) {
        assert.equal(norm(t.description), norm(a.observations.find((o) => o.number === n).body));
      }
    }
  }
  // The plan the service seeded exports them too.
  const exported = await api('GET', `/api/v1/plans/${await seedPlanId()}/document`);
  assert.equal(exported.status, 200);
  assert.deepEqual(documentLinks(exported.json), TEN_LINKS);
});

test('the seed links through the API: activities carry agreement_id and observation_ids, observations their outcome', async () => {
  const plan = await importCopy();
  const a2 = await api('GET', `/api/v1/activities/${activityId(plan, 2, 1)}`);
  assert.equal(a2.status, 200);
  assert.deepEqual(a2.json.observation_ids, [obsId(plan, 2, 'observation', 1)]);
  assert.equal(a2.json.agreement_id, null);
  const a1 = await api('GET', `/api/v1/activities/${activityId(plan, 1, 4)}`);
  assert.equal(a1.json.agreement_id, agreementId(plan, 1, 4));
  assert.deepEqual(a1.json.observation_ids, []);

  const o = await api('GET', `/api/v1/observations/${obsId(plan, 4, 'observation', 3)}`);
  assert.equal(o.status, 200);
  assert.equal(o.json.number, 3);
  assert.deepEqual(o.json.outcome, {
    incorporated: true, agreement_ids: [], activity_ids: [activityId(plan, 4, 3)],
    progress: 0, evidence_urls: [],
  });
  const none = await api('GET', `/api/v1/observations/${obsId(plan, 3, 'observation', 5)}`);
  assert.deepEqual(none.json.outcome, {
    incorporated: false, agreement_ids: [], activity_ids: [], progress: null, evidence_urls: [],
  });
  // Lists carry number and outcome too, numbered per kind.
  const list = await api('GET', `/api/v1/axes/${axisId(plan, 4)}/observations`);
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.items.map((x) => [x.kind, x.number, x.outcome.incorporated]), [
    ['observation', 1, true], ['observation', 2, true], ['observation', 3, true],
    ['observation', 4, true], ['contribution', 1, false],
  ]);
});

test('the report of the seed: 6 of 20 items incorporated before any progress', async () => {
  const plan = await importCopy();
  const res = await api('GET', `/api/v1/plans/${plan}/report`);
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.match(res.headers.get('etag'), /^"[0-9a-f]{32}"$/);
  assert.match(res.headers.get('vary'), /\bAccept\b/);
  const r = res.json;
  assert.deepEqual(r.plan, {
    id: plan, title: r.plan.title, entity: 'Administración Zonal Valle de los Chillos', year: 2024,
    status: 'approved',
    elaborated_by: { name: 'Ivonne Endara', position: 'Directora Zonal de Participación Ciudadana' },
    approved_by: { name: 'Mireya Cárdenas', position: 'Administradora Zonal Los Chillos' },
  });
  assert.deepEqual(r.totals, { items: 20, incorporated: 6, incorporated_pct: 30, avg_progress: 0 });
  assert.equal(r.rows.length, 20);
  assert.deepEqual(r.rows.filter((x) => x.incorporated).map((x) => `${x.axis.number}/${x.kind}/${x.number}`),
    ['2/observation/1', '2/observation/2', '4/observation/1', '4/observation/2', '4/observation/3', '4/observation/4']);
  // Document order: axis, observations before contributions, number.
  assert.deepEqual(r.rows.slice(0, 4).map((x) => `${x.axis.number}/${x.kind}/${x.number}`),
    ['1/observation/1', '1/observation/2', '1/contribution/1', '2/observation/1']);
  const row = r.rows.find((x) => x.axis.number === 4 && x.number === 3 && x.kind === 'observation');
  assert.deepEqual(row, {
    axis: { number: 4, name: 'Eje Territorial' }, kind: 'observation', number: 3,
    text: row.text, status: 'accepted', response: null, incorporated: true, agreements: [],
    activities: [{
      description: row.text, month: 12,
      units: ['Dirección Zonal de Hábitat y Obra Pública', 'Dirección Zonal Administrativa Financiera',
        'Dirección Zonal de Asesoría Jurídica'],
      status: 'pending', progress: 0,
    }],
    progress: 0, evidence_urls: [],
  });
});

// ---------------------------------------------------------------- linking and progress

test('linking an observation and reporting progress with evidence: outcome and report follow', async () => {
  const plan = await importCopy('draft', (d) => { delete d.approved_by; return d; });
  const vacunacion = obsId(plan, 3, 'observation', 5);
  const alarmas = obsId(plan, 3, 'observation', 7);
  const unit = Number(sql("SELECT id FROM units WHERE name = 'Unidad Zonal de Servicios Sociales'"));

  // Directly: an activity that answers "Vacunación para animales de la calle".
  const act = await api('POST', `/api/v1/axes/${axisId(plan, 3)}/activities`, {
    token: admin,
    body: { description: 'Jornadas de vacunación', due_month: 10, unit_ids: [unit], observation_ids: [vacunacion] },
  });
  assert.equal(act.status, 201, act.text);
  assert.deepEqual(act.json.observation_ids, [vacunacion]);
  // Through an agreement: agreement 3 answers "alarmas comunitarias"; activity 5 carries it out.
  const g = await api('PATCH', `/api/v1/agreements/${agreementId(plan, 3, 3)}`, {
    token: admin, body: { observation_ids: [alarmas] },
  });
  assert.equal(g.status, 200, g.text);
  const a5 = await api('PATCH', `/api/v1/activities/${activityId(plan, 3, 5)}`, {
    token: admin, body: { agreement_id: agreementId(plan, 3, 3) },
  });
  assert.equal(a5.status, 200, a5.text);

  const before = await api('GET', `/api/v1/observations/${vacunacion}`, { token: admin });
  assert.deepEqual(before.json.outcome, {
    incorporated: true, agreement_ids: [], activity_ids: [act.json.id], progress: 0, evidence_urls: [],
  });
  const viaAgreement = await api('GET', `/api/v1/observations/${alarmas}`, { token: admin });
  assert.deepEqual(viaAgreement.json.outcome, {
    incorporated: true, agreement_ids: [agreementId(plan, 3, 3)], activity_ids: [activityId(plan, 3, 5)],
    progress: 0, evidence_urls: [],
  });

  const approved = await api('POST', `/api/v1/plans/${plan}/approve`, {
    token: admin, body: { name: 'Mireya Cárdenas', position: 'Administradora Zonal Los Chillos' },
  });
  assert.equal(approved.status, 200, approved.text);
  const url = 'https://example.org/evidencia/vacunacion.pdf';
  const up = await api('POST', `/api/v1/activities/${act.json.id}/updates`, {
    token: admin, body: { progress: 40, note: 'Primera jornada', evidence_url: url },
  });
  assert.equal(up.status, 201, up.text);

  const after = await api('GET', `/api/v1/observations/${vacunacion}`);
  assert.equal(after.status, 200);
  assert.deepEqual(after.json.outcome, {
    incorporated: true, agreement_ids: [], activity_ids: [act.json.id], progress: 40, evidence_urls: [url],
  });
  const report = await api('GET', `/api/v1/plans/${plan}/report`);
  const row = report.json.rows.find((x) => x.axis.number === 3 && x.kind === 'observation' && x.number === 5);
  assert.equal(row.incorporated, true);
  assert.equal(row.progress, 40);
  assert.deepEqual(row.evidence_urls, [url]);
  assert.deepEqual(row.activities.map((x) => [x.description, x.status, x.progress]),
    [['Jornadas de vacunación', 'in_progress', 40]]);
  const alarm = report.json.rows.find((x) => x.axis.number === 3 && x.kind === 'observation' && x.number === 7);
  assert.deepEqual(alarm.agreements, ['Se irá implementando alarmas comunitarias']);
  assert.equal(alarm.incorporated, true);
  // 6 of the seed + 2; the mean of the linked rows' progress: (40 + 7 × 0) / 8.
  assert.deepEqual(report.json.totals, { items: 20, incorporated: 8, incorporated_pct: 40, avg_progress: 5 });
});

test('activity links are audited as changes of the activity', async () => {
  const plan = await importCopy('draft', (d) => { delete d.approved_by; return d; });
  const id = activityId(plan, 3, 2);
  const obs = obsId(plan, 3, 'observation', 1);
  const res = await api('PATCH', `/api/v1/activities/${id}`, { token: admin, body: { observation_ids: [obs] } });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.observation_ids, [obs]);
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE entity = 'activity' AND entity_id = ${id}
                    AND action = 'update' AND after->>'observation_id' = '${obs}'`), '1');
  const cleared = await api('PATCH', `/api/v1/activities/${id}`, { token: admin, body: { observation_ids: [] } });
  assert.deepEqual(cleared.json.observation_ids, []);
  assert.equal(sql(`SELECT count(*) FROM activity_observations WHERE activity_id = ${id}`), '0');
});

test('activity links outside the axis or plan, not accepted or repeated → 422 at /observation_ids/N', async () => {
  const plan = await importCopy('draft', (d) => { delete d.approved_by; return d; });
  const other = await importCopy('draft', (d) => { delete d.approved_by; return d; });
  const id = activityId(plan, 3, 2);
  const own = obsId(plan, 3, 'observation', 1);
  const cases = [
    [[own, obsId(other, 3, 'observation', 2)], 'unknown_observation', '/observation_ids/1'],
    [[obsId(plan, 2, 'observation', 1)], 'observation_other_axis', '/observation_ids/0'],
    [[own, own], 'duplicate_item', '/observation_ids/1'],
    [[999999999], 'unknown_observation', '/observation_ids/0'],
  ];
  for (const [ids, reason, pointer] of cases) {
    const res = await api('PATCH', `/api/v1/activities/${id}`, { token: admin, body: { observation_ids: ids } });
    assert.deepEqual(assertProblem(res, 422, reason).errors.map((e) => e.pointer), [pointer]);
  }
  sql(`UPDATE observations SET status = 'in_review' WHERE id = ${obsId(plan, 3, 'observation', 2)}`);
  const notAccepted = await api('POST', `/api/v1/axes/${axisId(plan, 3)}/activities`, {
    token: admin,
    body: { description: 'X', due_month: 3, unit_ids: [Number(sql('SELECT min(id) FROM units'))],
      observation_ids: [obsId(plan, 3, 'observation', 2)] },
  });
  assert.deepEqual(assertProblem(notAccepted, 422, 'observation_not_accepted').errors.map((e) => e.pointer),
    ['/observation_ids/0']);
  assert.equal(sql(`SELECT count(*) FROM activity_observations WHERE activity_id = ${id}`), '0');
});

test('new observations take the next number of their axis and kind', async () => {
  const plan = await importCopy();
  const axis = axisId(plan, 1);
  const mine = await api('POST', `/api/v1/axes/${axis}/observations`, {
    token: citizen, body: { kind: 'contribution', body: 'Más talleres en las comunas' },
  });
  assert.equal(mine.status, 201, mine.text);
  assert.equal(mine.json.number, 2);
  assert.deepEqual(mine.json.outcome, {
    incorporated: false, agreement_ids: [], activity_ids: [], progress: null, evidence_urls: [],
  });
  const staff = await api('POST', `/api/v1/axes/${axis}/observations`, {
    token: admin, body: { kind: 'observation', body: 'Otra observación de la deliberación' },
  });
  assert.equal(staff.json.number, 3);
});

// ---------------------------------------------------------------- filters

test('activities?agreement_id= lists only the activities that carry out that agreement', async () => {
  const plan = await seedPlanId();
  const agreement = agreementId(plan, 1, 2);
  const res = await api('GET', `/api/v1/plans/${plan}/activities?agreement_id=${agreement}`);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.items.map((t) => t.id), [activityId(plan, 1, 2)]);
  const combined = await api('GET', `/api/v1/plans/${plan}/activities?agreement_id=${agreement}&axis_id=${axisId(plan, 2)}`);
  assert.deepEqual(combined.json.items, []);
  const elsewhere = await api('GET', `/api/v1/plans/${plan}/activities?agreement_id=999999999`);
  assert.deepEqual(elsewhere.json.items, []);
  assertProblem(await api('GET', `/api/v1/plans/${plan}/activities?agreement_id=x`), 400, 'invalid_parameter');
  const csv = await api('GET', `/api/v1/plans/${plan}/activities?agreement_id=${agreement}`, {
    headers: { accept: 'text/csv' },
  });
  assert.equal(csv.status, 200);
  assert.equal(csv.text.trim().split('\r\n').length, 2);
});

// ---------------------------------------------------------------- report formats and visibility

test('the report as CSV: BOM, Spanish headers, one record per row, formulas neutralised', async () => {
  const plan = await importCopy('approved', (d) => {
    d.axes[0].contributions[0].body = '=HYPERLINK("http://x")';
    return d;
  });
  const res = await api('GET', `/api/v1/plans/${plan}/report`, { headers: { accept: 'text/csv' } });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.match(res.headers.get('content-type'), /^text\/csv; charset=utf-8$/);
  assert.equal(res.headers.get('content-disposition'), `attachment; filename="aportes-ciudadanos-plan-${plan}.csv"`);
  const etag = res.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  const json = await api('GET', `/api/v1/plans/${plan}/report`);
  assert.notEqual(json.headers.get('etag'), etag, 'each representation has its own ETag');
  const same = await api('GET', `/api/v1/plans/${plan}/report`, { headers: { accept: 'text/csv', 'if-none-match': etag } });
  assert.equal(same.status, 304);
  // fetch's text() drops a BOM: read the bytes, and let Python's csv module parse them.
  const bytes = Buffer.from(await (await fetch(`${BASE}/api/v1/plans/${plan}/report`, {
    headers: { accept: 'text/csv' },
  })).arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'starts with a UTF-8 BOM');
  const parsed = JSON.parse(execFileSync('python3', ['-c',
    'import csv, io, json, sys; print(json.dumps(list(csv.reader(io.StringIO(sys.stdin.buffer.read()[3:].decode("utf-8", "strict"), newline="")))))'],
  { input: bytes, encoding: 'utf8' }));
  assert.deepEqual(parsed[0], ['eje', 'tipo', 'número', 'texto', 'estado', 'respuesta', 'incorporado',
    'acuerdos', 'actividades', 'avance', 'medios de verificación']);
  assert.equal(parsed.length, 21);
  assert.deepEqual(parsed[3].slice(0, 7), ['1. Eje de Gobernabilidad e Institucionalidad', 'Aporte', '1',
    '\'=HYPERLINK("http://x")', 'aceptada', '', 'No']);
  const pecuario = parsed.find((r) => r[0].startsWith('2.') && r[2] === '1' && r[1] === 'Observación');
  assert.deepEqual(pecuario.slice(6), ['Sí', '',
    'Llegar con el proyecto pecuario a más sectores de las parroquias (Diciembre; Jefatura de Desarrollo Económico; pendiente; 0%)',
    '0.0%', '']);
  assertProblem(await api('GET', `/api/v1/plans/${plan}/report`, { headers: { accept: 'image/png' } }), 406, 'not_acceptable');
});

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

test('the report as XLSX: a real workbook whose cells hold what the JSON holds (openpyxl)', async () => {
  const plan = await importCopy();
  const url = 'https://example.org/evidencia/pecuario.pdf';
  const up = await api('POST', `/api/v1/activities/${activityId(plan, 2, 1)}/updates`, {
    token: admin, body: { progress: 35, note: 'Avance', evidence_url: url },
  });
  assert.equal(up.status, 201, up.text);
  const head = await api('GET', `/api/v1/plans/${plan}/report`, { headers: { accept: XLSX } });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-type'), XLSX);
  assert.equal(head.headers.get('content-disposition'), `attachment; filename="aportes-ciudadanos-plan-${plan}.xlsx"`);
  const etag = head.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  assert.equal((await api('GET', `/api/v1/plans/${plan}/report`, {
    headers: { accept: XLSX, 'if-none-match': etag },
  })).status, 304);

  const bytes = Buffer.from(await (await fetch(`${BASE}/api/v1/plans/${plan}/report`, {
    headers: { accept: XLSX },
  })).arrayBuffer());
  assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'a ZIP file');
  // Debian's python3-openpyxl, an independent reader (/usr/bin: not a python of PATH
  // that lacks it).
  const book = JSON.parse(execFileSync('/usr/bin/python3', ['-c', `
import io, json, sys
import openpyxl
wb = openpyxl.load_workbook(io.BytesIO(sys.stdin.buffer.read()))
rows = wb['Aportes ciudadanos']
print(json.dumps({
  'sheets': wb.sheetnames,
  'freeze': rows.freeze_panes,
  'rows': [[c.value for c in r] for r in rows.iter_rows()],
  'formats': [r[9].number_format for r in rows.iter_rows(min_row=2) if r[9].value is not None],
  'summary': [[c.value for c in r] for r in wb['Resumen'].iter_rows()],
}))`], { input: bytes, encoding: 'utf8' }));
  assert.deepEqual(book.sheets, ['Aportes ciudadanos', 'Resumen']);
  assert.equal(book.freeze, 'A2');
  assert.deepEqual(book.rows[0], ['Eje', 'Tipo', 'Número', 'Texto', 'Estado', 'Respuesta', 'Incorporado',
    'Acuerdos', 'Actividades', 'Avance', 'Medios de verificación']);
  const report = (await api('GET', `/api/v1/plans/${plan}/report`)).json;
  assert.equal(book.rows.length, report.rows.length + 1);
  report.rows.forEach((r, i) => {
    const cells = book.rows[i + 1];
    assert.equal(cells[0], `${r.axis.number}. ${r.axis.name}`);
    assert.equal(cells[2], r.number);
    assert.equal(cells[3], r.text);
    assert.equal(cells[6], r.incorporated ? 'Sí' : 'No');
    assert.equal(cells[9], r.progress === null ? null : r.progress / 100);
    assert.equal(cells[10], r.evidence_urls.length ? r.evidence_urls.join(' ') : null);
  });
  assert.deepEqual(book.formats, Array(6).fill('0.0%'), 'progress is a percentage where there is one');
  const pecuario = book.rows.find((c) => c[0].startsWith('2.') && c[1] === 'Observación' && c[2] === 1);
  assert.deepEqual([pecuario[9], pecuario[10]], [0.35, url]);
  const [avgLabel, avg] = book.summary.pop();
  assert.deepEqual(book.summary, [
    ['Plan', report.plan.title], ['Entidad', 'Administración Zonal Valle de los Chillos'], ['Año', 2024],
    ['Aportes y observaciones', 20], ['Incorporados', 6], ['Porcentaje incorporado', 0.3],
  ]);
  // 35 / 6 = 5.8 (one decimal), written as a fraction: compared to 15 digits.
  assert.equal(avgLabel, 'Avance promedio');
  assert.equal(report.totals.avg_progress, 5.8);
  assert.ok(Math.abs(avg - 0.058) < 1e-12, `avg ${avg}`);
});

/** GET path as a PDF: checks the answer and returns the file as poppler reads it. */
async function fetchPdf(path_, name) {
  const res = await api('GET', path_, { headers: { accept: 'application/pdf' } });
  assert.equal(res.status, 200, res.text.slice(0, 200));
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.equal(res.headers.get('content-disposition'), `inline; filename="${name}"`);
  assert.match(res.headers.get('vary'), /\bAccept\b/);
  const etag = res.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  assert.equal((await api('GET', path_, { headers: { accept: 'application/pdf', 'if-none-match': etag } })).status, 304);
  const json = await api('GET', path_);
  assert.notEqual(json.headers.get('etag'), etag, 'the PDF and the JSON have their own ETags');

  const bytes = Buffer.from(await (await fetch(BASE + path_, { headers: { accept: 'application/pdf' } })).arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const dir = mkdtempSync(path.join(tmpdir(), 'rendicion-pdf-'));
  try {
    const file = path.join(dir, 'file.pdf');
    writeFileSync(file, bytes);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    assert.match(info, /Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)/);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)[1]);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    const raw = execFileSync('pdftotext', ['-raw', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    // Page 1 rendered is not blank: many dark pixels in a grey map.
    execFileSync('pdftoppm', ['-r', '40', '-f', '1', '-l', '1', '-gray', file, path.join(dir, 'p')]);
    const pgm = readFileSync(path.join(dir, readdirSync(dir).find((f) => f.endsWith('.pgm'))));
    const m = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'));
    const pixels = pgm.subarray(m[0].length);
    assert.equal(pixels.length, Number(m[1]) * Number(m[2]));
    const dark = pixels.filter((v) => v < 128).length;
    assert.ok(dark > pixels.length / 100, `page 1 is not blank: ${dark} dark pixels of ${pixels.length}`);
    assert.equal(text.split('Página ').length - 1, pages, 'every page is numbered');
    return { pages, text, raw };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertReads(text, strings) {
  for (const s of strings) assert.ok(text.includes(s), `the PDF reads "${s}"`);
}

const SIGNATURES = ['Elaborado por:', 'Revisado y aprobado por:', 'Ivonne Endara', 'Mireya Cárdenas',
  'Directora Zonal de Participación Ciudadana', 'Administradora Zonal Los Chillos'];

test('the report as PDF: A4, every axis, the signature names with their accents, page 1 not blank', async () => {
  const plan = await importCopy();
  const url = 'https://example.org/evidencia/quebradas.pdf';
  const up = await api('POST', `/api/v1/activities/${activityId(plan, 4, 1)}/updates`, {
    token: admin, body: { progress: 60, note: 'Avance', evidence_url: url },
  });
  assert.equal(up.status, 201, up.text);
  const pdf = await fetchPdf(`/api/v1/plans/${plan}/report`, `aportes-ciudadanos-plan-${plan}.pdf`);
  assertReads(pdf.text, ['Incorporación de aportes ciudadanos', 'Plan trazabilidad',
    'Administración Zonal Valle de los Chillos', '1. Eje de Gobernabilidad e Institucionalidad',
    '2. Eje Económico', '3. Eje Social', '4. Eje Territorial', ...SIGNATURES,
    'Vacunación para animales de la calle', '60.0 %', 'Incorporados: 6 (30.0 %)']);
  // A URL wraps inside its narrow column: read the text in the order it was drawn.
  assert.ok(pdf.raw.includes(url), 'the PDF reads the evidence URL');
  // A table that goes on to another page repeats its header there.
  assert.ok(pdf.pages >= 2, `pages: ${pdf.pages}`);
  const heads = pdf.text.split('N.º').length - 1;
  assert.equal(heads, 4 + (pdf.text.split('(continúa)').length - 1), 'one header per table and page');
});

test('the plan document as PDF reads as the signed document: sections x.1–x.4, months, units, signatures', async () => {
  const plan = await seedPlanId();
  const pdf = await fetchPdf(`/api/v1/plans/${plan}/document`, `plan-${plan}.pdf`);
  assertReads(pdf.text, ['PLAN DE TRABAJO 2024', 'Proceso de Rendición de Cuentas 2023 ADMINISTRACIÓN ZONAL VALLE DE LOS CHILLOS',
    '1. EJE DE GOBERNABILIDAD E INSTITUCIONALIDAD', '2. EJE ECONÓMICO', '3. EJE SOCIAL', '4. EJE TERRITORIAL',
    '1.1 OBSERVACIONES CIUDADANAS', '2.2 APORTES CIUDADANOS', '3.3 ACUERDOS GENERADOS', '4.4 CRONOGRAMA DE CUMPLIMIENTO',
    'Vacunación para animales de la calle', 'Designar un responsable de Comunas.', 'Agosto', 'Diciembre',
    'Administradora Zonal', 'Unidad Zonal de Seguridad Ciudadana', ...SIGNATURES]);
  assert.ok(pdf.raw.includes('JefaturadeComunicación/DirecciónZonaldeHábitatyObraPública'), 'units joined by /');
  assertProblem(await api('GET', `/api/v1/plans/${plan}/document`, { headers: { accept: 'image/png' } }), 406, 'not_acceptable');
});

test('the compliance figures as PDF: totals, a row and a bar per axis and per unit', async () => {
  const plan = await importCopy();
  const up = await api('POST', `/api/v1/activities/${activityId(plan, 1, 4)}/updates`, {
    token: admin, body: { progress: 100, status: 'done', note: 'Designado' },
  });
  assert.equal(up.status, 201, up.text);
  const pdf = await fetchPdf(`/api/v1/plans/${plan}/compliance`, `cumplimiento-plan-${plan}.pdf`);
  assertReads(pdf.text, ['Cumplimiento del plan de trabajo', `Plan ${plan}`, 'Por eje', 'Por unidad responsable',
    '4. Eje Territorial', '100.0 %', '25.0 %',
    'Observaciones en línea: 0 respondidas fuera de plazo, 0 sin respuesta con el plazo vencido.']);
  // Names wrap in their column: read them in the order they were drawn, blanks aside.
  const squeeze = (t) => t.replace(/\s+/g, '');
  for (const name of ['1. Eje de Gobernabilidad e Institucionalidad', 'Administradora Zonal',
    'Jefatura de Desarrollo Económico', 'Unidad Zonal de Cultura']) {
    assert.ok(pdf.raw.includes(squeeze(name)), `the PDF reads "${name}"`);
  }
  assertProblem(await api('GET', `/api/v1/plans/${plan}/compliance`, { headers: { accept: 'text/csv' } }), 406, 'not_acceptable');
});

test('the report follows visibility: drafts are 404 to the public, unreviewed observations are staff-only', async () => {
  const draft = await importCopy('draft', (d) => { delete d.approved_by; return d; });
  assertProblem(await api('GET', `/api/v1/plans/${draft}/report`), 404, 'plan_not_found');
  assertProblem(await api('GET', `/api/v1/plans/${draft}/report`, { token: citizen }), 404, 'plan_not_found');
  assert.equal((await api('GET', `/api/v1/plans/${draft}/report`, { token: admin })).status, 200);
  assertProblem(await api('GET', '/api/v1/plans/999999999/report'), 404, 'plan_not_found');

  const plan = await importCopy();
  const sent = await api('POST', `/api/v1/axes/${axisId(plan, 2)}/observations`, {
    token: citizen, body: { kind: 'observation', body: 'Una feria mensual en la parroquia' },
  });
  assert.equal(sent.status, 201);
  const pub = await api('GET', `/api/v1/plans/${plan}/report`);
  assert.equal(pub.json.totals.items, 20);
  const staff = await api('GET', `/api/v1/plans/${plan}/report`, { token: admin });
  assert.equal(staff.json.totals.items, 21);
  assert.deepEqual(staff.json.rows.find((x) => x.text === 'Una feria mensual en la parroquia').status, 'received');
});

test('the JSON report, written by the service from its parts, is the value the CSV, XLSX and PDF are made from', async () => {
  const plan = await importCopy();
  // Some rows with links, progress and evidence, so that every member has something.
  assert.equal((await api('POST', `/api/v1/activities/${activityId(plan, 2, 1)}/updates`, {
    token: admin, body: { progress: 40, note: 'Avance', evidence_url: 'https://example.org/acta.pdf' },
  })).status, 201);
  for (const [token, staff] of [[undefined, false], [admin, true]]) {
    const res = await api('GET', `/api/v1/plans/${plan}/report`, { token });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, JSON.parse(sql(`SELECT plan_report(${plan}, ${staff})`)), `staff ${staff}`);
    assert.deepEqual(Object.keys(res.json), ['plan', 'rows', 'totals']);
  }
  // No visible row: the public's report of a plan whose observations are all unanswered.
  const quiet = await importCopy();
  sql(`UPDATE observations SET status = 'received', response = NULL WHERE plan_id = ${quiet}`);
  const empty = await api('GET', `/api/v1/plans/${quiet}/report`);
  assert.equal(empty.status, 200, empty.text);
  assert.deepEqual(empty.json.rows, []);
  assert.deepEqual(empty.json.totals, { items: 0, incorporated: 0, incorporated_pct: 0, avg_progress: null });
  assert.deepEqual(empty.json, JSON.parse(sql(`SELECT plan_report(${quiet}, false)`)));
});

// ---------------------------------------------------------------- the document's links

test('a linked document round-trips: export then import gives an equal document with its links', async () => {
  const plan = await importCopy('draft', (d) => {
    delete d.approved_by;
    d.axes[2].agreements[2].responds_to = { observations: [7], contributions: [1] };
    d.axes[2].activities[4].agreement = 3;
    d.axes[2].activities[4].responds_to = { observations: [7], contributions: [] };
    return d;
  });
  const exported = await api('GET', `/api/v1/plans/${plan}/document`, { token: admin });
  assert.equal(exported.status, 200);
  assert.deepEqual(documentLinks(exported.json), [
    ...TEN_LINKS.slice(0, 6),
    'axis 3: agreement 3 → observation 7', 'axis 3: agreement 3 → contribution 1',
    'axis 3: activity 5 → agreement 3', 'axis 3: activity 5 → observation 7',
    ...TEN_LINKS.slice(6),
  ]);
  const again = await api('POST', '/api/v1/plans/import', {
    token: admin, body: { ...exported.json, title: `${exported.json.title} (copia)` },
  });
  assert.equal(again.status, 201, again.text.slice(0, 300));
  const reexported = await api('GET', `/api/v1/plans/${again.json.id}/document`, { token: admin });
  assert.deepEqual(reexported.json, { ...exported.json, title: `${exported.json.title} (copia)` });
});

test('document links to numbers that are not in the axis → 422 with a pointer to each', async () => {
  const doc = { ...seedDocument(), title: `Plan enlaces malos ${process.pid}`, status: 'draft' };
  delete doc.approved_by;
  doc.axes[0].agreements[0].responds_to = { observations: [9], contributions: [1, 1] };
  doc.axes[0].activities[0].agreement = 7;
  doc.axes[1].activities[0].responds_to = { observations: [1], contributions: [4] };
  doc.axes[2].observations[1].number = 1;
  doc.axes[2].observations[2].status = 'in_review';
  doc.axes[2].activities[0].responds_to = { observations: [3] };
  const res = await api('POST', '/api/v1/plans/import', { token: admin, body: doc });
  const p = assertProblem(res, 422, 'validation_failed');
  assert.deepEqual(p.errors.map((e) => e.pointer).sort(), [
    '/axes/0/activities/0/agreement',
    '/axes/0/agreements/0/responds_to/contributions/1',
    '/axes/0/agreements/0/responds_to/observations/0',
    '/axes/1/activities/0/responds_to/contributions/0',
    '/axes/2/activities/0/responds_to/observations/0',
    '/axes/2/observations/1/number',
  ]);
  assert.equal(sql(`SELECT count(*) FROM plans WHERE title = '${doc.title}'`), '0');
});
