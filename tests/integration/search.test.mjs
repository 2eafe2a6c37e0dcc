// GET /api/v1/search (openapi/openapi.yaml: the inbox and /search): Spanish full-text
// search across observations, agreements and activities of the plans the caller may see,
// best match first, with snippets; the public never finds what it may not read.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, assertProblem, tokenFor, seedPlanId, importSeedCopy, sql } from './lib.mjs';

const ADMIN = tokenFor('administradora', { sub: 'search-admin@example.org' });
const DIRECTOR = tokenFor('directores', { sub: 'search-director@example.org', unit_id: 1 });
const citizen = () => {
  const sub = `search-cit-${randomUUID()}`;
  return { sub, token: tokenFor('ciudadanos', { sub }) };
};
const search = (query, token) =>
  api('GET', `/api/v1/search?${new URLSearchParams(query)}`, token ? { token } : {});

async function submit(axis, token, body) {
  const res = await api('POST', `/api/v1/axes/${axis}/observations`, {
    token, body: { kind: 'observation', body }, headers: { 'idempotency-key': randomUUID() },
  });
  assert.equal(res.status, 201, res.text.slice(0, 300));
  return res.json;
}

let seed;
before(async () => {
  seed = await seedPlanId();
});

test('vacunacion finds "Vacunación para animales de la calle" first, with the item\'s shape', async () => {
  const res = await search({ q: 'vacunacion', plan_id: seed });
  assert.equal(res.status, 200, res.text.slice(0, 300));
  const top = res.json.items[0];
  assert.equal(top.type, 'observation');
  assert.equal(top.text, 'Vacunación para animales de la calle');
  assert.equal(top.plan_id, seed);
  assert.equal(top.axis_id, Number(sql(`SELECT axis_id FROM observations WHERE id = ${top.id}`)));
  assert.equal(top.snippet, '«Vacunación» para animales de la calle');
  assert.deepEqual(Object.keys(top).sort(), ['axis_id', 'id', 'plan_id', 'snippet', 'text', 'type']);
  assert.equal(res.json.next_cursor, null);
});

test('alarma finds the observation and the agreement on "alarmas comunitarias" (stems, any case)', async () => {
  const res = await search({ q: 'ALARMA', plan_id: seed });
  assert.equal(res.status, 200);
  const texts = res.json.items.map((i) => `${i.type}: ${i.text}`);
  assert.ok(texts.includes('observation: Mejorar el alcance de las alarmas comunitarias'), texts.join('\n'));
  assert.ok(texts.includes('agreement: Se irá implementando alarmas comunitarias'), texts.join('\n'));
  for (const i of res.json.items) assert.match(i.snippet, /«alarmas»/i);
});

test('ordenanzas finds "Ordenanza No. 038", and activities are searched too', async () => {
  const res = await search({ q: 'ordenanzas', plan_id: seed });
  assert.equal(res.status, 200);
  const texts = res.json.items.map((i) => i.text);
  assert.ok(texts.some((t) => t.includes('Ordenanza No. 038')), texts.join('\n'));
  assert.ok(res.json.items.some((i) => i.type === 'activity' && i.text === 'Socialización de la Ordenanza de Fauna Urbana'),
    texts.join('\n'));
});

test('the best match comes first: ranks never rise down the list', async () => {
  const word = `rango${randomUUID().slice(0, 8)}`;
  const plan = await importSeedCopy('Plan de búsqueda por rango', (d) => {
    d.axes[0].agreements[0].text = `${word} ${word} ${word} acuerdo con la palabra repetida`;
    d.axes[0].activities[0].description = `Una actividad que nombra ${word} una vez entre muchas otras palabras largas`;
    return d;
  }, ADMIN);
  const res = await search({ q: word, plan_id: plan });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.items.map((i) => i.type), ['agreement', 'activity']);
});

test('pages by cursor reach every match once, in the same order as one page', async () => {
  const word = `pagina${randomUUID().slice(0, 8)}`;
  const plan = await importSeedCopy('Plan de búsqueda por páginas', (d) => {
    d.axes.forEach((a, n) => {
      // Equal ranks (the same text) and different ones (a word twice), to break ties by id.
      a.activities.forEach((t, k) => { t.description = (n + k) % 2 ? `${word} ${word}` : word; });
      a.agreements.forEach((g) => { g.text = `${g.text} ${word}`; });
    });
    return d;
  }, ADMIN);
  const all = await search({ q: word, plan_id: plan, limit: 200 });
  assert.equal(all.status, 200);
  assert.ok(all.json.items.length > 10, `${all.json.items.length} matches`);
  const keys = [];
  let cursor = null;
  for (let i = 0; i < 100; i++) {
    const page = await search({ q: word, plan_id: plan, limit: 3, ...(cursor ? { cursor } : {}) });
    assert.equal(page.status, 200, page.text.slice(0, 300));
    keys.push(...page.json.items.map((x) => `${x.type}/${x.id}`));
    cursor = page.json.next_cursor;
    if (cursor === null) break;
  }
  assert.deepEqual(keys, all.json.items.map((x) => `${x.type}/${x.id}`));
});

test('the public and citizens never find a draft or withdrawn plan; staff do', async () => {
  const word = `borrador${randomUUID().slice(0, 8)}`;
  const change = (d) => {
    d.status = 'draft';
    d.approved_by = null;
    d.axes[0].agreements[0].text = `Acuerdo del borrador ${word}`;
    return d;
  };
  const draft = await importSeedCopy('Plan borrador de búsqueda', change, ADMIN);
  for (const q of [{ q: word }, { q: word, plan_id: draft }]) {
    for (const token of [undefined, citizen().token]) {
      const res = await search(q, token);
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.items, []);
    }
    for (const token of [ADMIN, DIRECTOR]) {
      const res = await search(q, token);
      assert.equal(res.status, 200);
      assert.deepEqual(res.json.items.map((i) => i.plan_id), [draft]);
    }
  }
  const word2 = `retirado${randomUUID().slice(0, 8)}`;
  const gone = await importSeedCopy('Plan retirado de búsqueda', (d) => {
    d.axes[0].agreements[0].text = `Acuerdo del retirado ${word2}`;
    return d;
  }, ADMIN);
  assert.equal((await search({ q: word2 })).json.items.length, 1);
  const w = await api('POST', `/api/v1/plans/${gone}/withdraw`, {
    token: ADMIN, body: { reason: 'Importado dos veces por error' },
  });
  assert.equal(w.status, 200, w.text.slice(0, 300));
  assert.deepEqual((await search({ q: word2 })).json.items, []);
  assert.equal((await search({ q: word2 }, ADMIN)).json.items.length, 1);
});

test('a received observation: its author finds it, other citizens and the public do not, staff do', async () => {
  const word = `recibida${randomUUID().slice(0, 8)}`;
  const axis = Number(sql(`SELECT id FROM axes WHERE plan_id = ${seed} AND number = 1`));
  const author = citizen();
  const other = citizen();
  const obs = await submit(axis, author.token, `Pedimos luminarias ${word} en el parque`);
  const found = async (token) => (await search({ q: word, plan_id: seed }, token)).json.items.map((i) => i.id);
  assert.deepEqual(await found(author.token), [obs.id]);
  assert.deepEqual(await found(other.token), []);
  assert.deepEqual(await found(undefined), []);
  assert.deepEqual(await found(ADMIN), [obs.id]);
  // Withdrawn: only its author and staff; answered: everyone, also by its response.
  const answer = `respuesta${randomUUID().slice(0, 8)}`;
  const a = await api('PATCH', `/api/v1/observations/${obs.id}`, {
    token: DIRECTOR, body: { status: 'accepted', response: `Se instalarán, ${answer}` },
  });
  assert.equal(a.status, 200, a.text.slice(0, 300));
  assert.deepEqual(await found(other.token), [obs.id]);
  const byAnswer = (await search({ q: answer, plan_id: seed })).json.items;
  assert.deepEqual(byAnswer.map((i) => i.id), [obs.id]);
  assert.match(byAnswer[0].snippet, new RegExp(`«${answer}»`));
});

test('authors are never searched', async () => {
  const word = `autora${randomUUID().slice(0, 8)}`;
  const axis = Number(sql(`SELECT id FROM axes WHERE plan_id = ${seed} AND number = 2`));
  const sub = `${word}@example.org`;
  const obs = await submit(axis, tokenFor('ciudadanos', { sub }), 'Una observación sin la palabra buscada');
  await api('PATCH', `/api/v1/observations/${obs.id}`, { token: DIRECTOR, body: { status: 'accepted' } });
  for (const token of [undefined, ADMIN]) {
    assert.deepEqual((await search({ q: word }, token)).json.items, []);
  }
});

test('query parameters are checked: q required and sane, plan_id an id, nothing else', async () => {
  const bad = [
    [{}, 'q'], [{ q: '' }, 'q'], [{ q: '   ' }, 'q'], [{ q: 'x'.repeat(201) }, 'q'],
    [{ q: 'agua', plan_id: 'abc' }, 'plan_id'], [{ q: 'agua', plan_id: '0' }, 'plan_id'],
    [{ q: 'agua', sort: 'rank' }, 'sort'],
  ];
  for (const [query, name] of bad) {
    const res = await search(query);
    const p = assertProblem(res, 400, 'invalid_parameter');
    assert.ok(JSON.stringify(p.errors ?? p.detail).includes(name), `${JSON.stringify(query)}: ${res.text}`);
  }
  assertProblem(await api('GET', '/api/v1/search?q=agua&q=luz'), 400, 'invalid_parameter');
  // A value that is not UTF-8 once decoded (URLSearchParams would re-encode it: raw here).
  for (const [query, name] of [['q=%FF', 'q'], ['q=%C3', 'q'], ['q=agua%C3%28', 'q'],
    ['q=%F4%90%80%80', 'q'], ['q=agua&plan_id=%FF', 'plan_id']]) {
    const res = await api('GET', `/api/v1/search?${query}`);
    const p = assertProblem(res, 400, 'invalid_parameter');
    assert.deepEqual(p.errors, [{ pointer: `/query/${name}`, message: p.detail }], `${query}: ${res.text}`);
  }
  assertProblem(await api('GET', '/api/v1/search?q=agua&cursor=nope'), 400);
  // Only stop words or punctuation: nothing to search for, an empty page.
  for (const q of ['de la', '¿?', '!!!']) {
    const res = await search({ q });
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.deepEqual(res.json, { items: [], next_cursor: null });
  }
  // Another plan, or none: an empty page, not an error.
  assert.deepEqual((await search({ q: 'vacunacion', plan_id: 999999999 })).json.items, []);
});
