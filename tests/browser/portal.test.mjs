// The portal (GET /) and the API reference (GET /docs) in a real browser: Debian's
// chromium driven by playwright-core (tests/browser/package-lock.json; nothing downloads a
// browser), against the real service and its test PostgreSQL (tests/integration/run.sh,
// through `make test-browser`). Every page must load nothing from another host, break no
// Content-Security-Policy rule, throw no script error, and have no serious or critical
// axe-core violation. Screenshots of the plan page at 360 and 1280 px go to
// SCREENSHOT_DIR (default build/screenshots).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { api, seedDocument, seedPlanId, sql, tokenFor, SEED_TITLE } from '../integration/lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const BASE = (process.env.BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const ORIGIN = new URL(BASE).origin;
const SHOTS = path.resolve(HERE, '../..', process.env.SCREENSHOT_DIR ?? 'build/screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

let browser;
let planId;
/** [axis, activity, progress, status] reported before the tests. */
const PROGRESS = [[1, 1, 100, 'done'], [3, 2, 60, 'in_progress'], [4, 1, 30, 'in_progress']];
const doc = seedDocument();

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  planId = await seedPlanId();
  // Some progress, reported through the API as a director would, so that bars move and
  // evidence links show (the seed plan starts at 0 everywhere).
  const admin = tokenFor('administradora');
  const acts = (await api('GET', `/api/v1/plans/${planId}/activities?limit=200`)).json.items;
  const axisIds = (await api('GET', `/api/v1/plans/${planId}`)).json.axes;
  const pick = (axis, number) => acts.find((a) => a.number === number && a.axis_id === axisIds.find((x) => x.number === axis).id);
  for (const [axis, number, progress, status] of PROGRESS) {
    const res = await api('POST', `/api/v1/activities/${pick(axis, number).id}/updates`, {
      token: admin,
      body: { progress, status, note: `Avance de la actividad ${number} del eje ${axis}`, evidence_url: `https://www.quito.gob.ec/rendicion/eje-${axis}-actividad-${number}.pdf` },
    });
    assert.equal(res.status, 201, res.text);
  }
  // The flags keep Chromium off the network it would otherwise call on its own.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});

after(async () => {
  await browser?.close();
});

/**
 * A fresh page (its own context: no shared session) that records what must never happen:
 * requests to other hosts, CSP violations, uncaught script errors.
 */
async function openPage({ width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'es-EC' });
  const page = await context.newPage();
  const problems = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin !== ORIGIN && !url.startsWith('data:')) {
      problems.push(`request to another host: ${url}`);
      return route.abort();
    }
    return route.continue();
  });
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('console', (m) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.problems = async () => {
    const csp = await page.evaluate(() => window.__csp ?? []).catch(() => []);
    return [...problems, ...csp.map((v) => `CSP violation: ${v}`)];
  };
  return { context, page };
}

/** axe-core's serious and critical violations on the page as it is now. */
async function axeViolations(page) {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`);
}

async function assertClean(page, where) {
  assert.deepEqual(await page.problems(), [], `${where}: nothing from other hosts, no CSP violation, no script error`);
  assert.deepEqual(await axeViolations(page), [], `${where}: no serious or critical axe-core violation`);
}

async function noHorizontalScroll(page, where) {
  const { sw, cw } = await page.evaluate(() => ({
    sw: document.documentElement.scrollWidth,
    cw: document.documentElement.clientWidth,
  }));
  assert.ok(sw <= cw, `${where}: the page is ${sw} px wide in a ${cw} px viewport`);
}

async function openSeedPlan(page) {
  await page.goto(`${BASE}/`);
  await page.getByRole('link', { name: SEED_TITLE }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(SEED_TITLE) }).waitFor();
  await page.locator('section.axis').first().waitFor();
}

test('the seed plan renders with its four axes, their progress bars and its signatures', async () => {
  const { context, page } = await openPage();
  // A browser that has just started is slower than a neighbour's phone that is already
  // open: one request first, so that the figure is the page's own.
  await page.goto(`${BASE}/assets/favicon.svg`);
  await page.goto(`${BASE}/`);
  const fcp = await page.evaluate(() => new Promise((resolve) => {
    new PerformanceObserver((list) => {
      const e = list.getEntriesByName('first-contentful-paint')[0];
      if (e) resolve(e.startTime);
    }).observe({ type: 'paint', buffered: true });
  }));
  // When the list drawn from the API is on screen, timed inside the page.
  const listed = await page.evaluate(() => new Promise((resolve) => {
    const check = () => (document.querySelector('main a[href^="#/planes/"]')
      ? resolve(performance.now()) : requestAnimationFrame(check));
    check();
  }));
  await assertClean(page, 'the list of plans');

  await page.getByRole('link', { name: SEED_TITLE }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(SEED_TITLE) }).waitFor();
  const axes = page.locator('section.axis');
  await axes.first().waitFor();
  assert.equal(await axes.count(), doc.axes.length);
  for (const [i, ax] of doc.axes.entries()) {
    const section = axes.nth(i);
    assert.equal(await section.getByRole('heading', { level: 2 }).textContent(), `Eje ${ax.number}: ${ax.name}`);
    // The axis's own bar, then one per activity (a contribution's outcome has its own).
    assert.equal(await section.locator('progress:not(.outcome progress)').count(), 1 + ax.activities.length, `axis ${ax.number}'s bars`);
    for (const a of ax.activities) {
      await section.locator(`li.activity[value="${a.number}"] .activity-title`).getByText(a.description, { exact: true }).waitFor();
    }
    for (const o of ax.observations) await section.getByText(o.body, { exact: true }).first().waitFor();
    for (const g of ax.agreements) await section.getByText(g.text, { exact: true }).first().waitFor();
  }
  const compliance = (await api('GET', `/api/v1/plans/${planId}/compliance`)).json;
  const summary = page.locator('section.summary');
  assert.equal(await summary.locator('progress').count(), 1 + compliance.by_axis.length + compliance.by_unit.length,
    'one bar for the plan, one per axis, one per unit');
  for (const u of compliance.by_unit) await summary.getByText(u.name, { exact: true }).waitFor();
  for (const [axis, number, progress] of PROGRESS) {
    const item = axes.nth(axis - 1).locator('li.activity').nth(number - 1);
    assert.equal(Number(await item.locator('progress').getAttribute('value')), progress);
    const link = item.getByRole('link', { name: /^Evidencia/ }).first();
    assert.equal(await link.getAttribute('href'), `https://www.quito.gob.ec/rendicion/eje-${axis}-actividad-${number}.pdf`);
  }
  assert.ok(Number(await summary.locator('progress').first().getAttribute('value')) > 0, "the plan's bar moved");
  const signatures = page.locator('dl.signatures');
  for (const p of [doc.elaborated_by, doc.approved_by]) {
    await signatures.getByText(`${p.name}, ${p.position}`).waitFor();
  }
  await assertClean(page, 'the plan page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-1280.png') });

  // What a phone downloads for the page itself (the API's JSON aside).
  const weight = await page.evaluate(() => performance.getEntriesByType('navigation')
    .concat(performance.getEntriesByType('resource'))
    .filter((e) => !new URL(e.name).pathname.startsWith('/api/'))
    .reduce((n, e) => n + e.decodedBodySize, 0));
  console.log(`browser: first contentful paint ${fcp.toFixed(0)} ms, plans listed at ${listed.toFixed(0)} ms; plan page weight ${(weight / 1024).toFixed(1)} KB uncompressed`);
  assert.ok(weight < 100 * 1024, `the page's own files weigh ${weight} bytes (limit 100 KB)`);
  assert.ok(fcp < 1000, `first render took ${fcp} ms (limit 1 s)`);
  await context.close();
});

test('what became of a contribution shows under it when the service gives the traceability report', async () => {
  const { context, page } = await openPage();
  const ax = doc.axes[0];
  const url = 'https://www.quito.gob.ec/rendicion/ordenanza-038-socializacion.pdf';
  // A row of GET /plans/{id}/report (the service may not have it yet: the page then
  // shows the observations without it, as the first test checks).
  const row = {
    axis: { number: 1, name: ax.name }, kind: 'observation', number: 1, text: ax.observations[0].body,
    status: 'accepted', response: null, incorporated: true, agreements: [ax.agreements[0].text],
    activities: [{ description: ax.activities[0].description, month: 12, units: ax.activities[0].units, status: 'in_progress', progress: 40 }],
    progress: 40, evidence_urls: [url],
  };
  await page.route('**/api/v1/plans/*/report', (route) => route.fulfill({
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify({ plan: {}, rows: [row], totals: { items: 1, incorporated: 1, incorporated_pct: 100, avg_progress: 40 } }),
  }));
  await openSeedPlan(page);
  const item = page.locator('section.axis').first().locator('section.heard li').first();
  const outcome = item.locator('.outcome');
  await outcome.getByText('Incorporado al plan').waitFor();
  assert.equal(Number(await outcome.locator('progress').getAttribute('value')), 40);
  await outcome.getByText(ax.agreements[0].text, { exact: false }).waitFor();
  assert.equal(await outcome.getByRole('link', { name: 'Evidencia 1' }).getAttribute('href'), url);
  assert.equal(await page.locator('.outcome').count(), 1, 'only the item the report speaks of');
  await assertClean(page, 'the plan page with the report');
  await context.close();
});

test('on a 360-pixel-wide phone nothing scrolls sideways', async () => {
  const { context, page } = await openPage({ width: 360, height: 780 });
  await page.goto(`${BASE}/`);
  await page.getByRole('link', { name: SEED_TITLE }).waitFor();
  await noHorizontalScroll(page, 'the list of plans');
  await openSeedPlan(page);
  await noHorizontalScroll(page, 'the plan page');
  await page.screenshot({ path: path.join(SHOTS, 'portal-360.png') });
  for (const view of ['#/ingresar', '#/registro']) {
    await page.goto(`${BASE}/${view}`);
    await page.locator('form').waitFor();
    await noHorizontalScroll(page, view);
    await assertClean(page, view);
  }
  await page.goto(`${BASE}/docs`);
  await page.locator('.opblock').first().waitFor();
  await noHorizontalScroll(page, '/docs');
  await context.close();
});

test('a citizen registers, sends an observation with the keyboard alone, follows it and withdraws another', async () => {
  const { context, page } = await openPage({ width: 360, height: 780 });
  const email = `vecina-${Date.now()}@example.org`;
  const password = 'Chillos-2024-portal';

  // Registering signs the citizen in and opens "Mis observaciones".
  await page.goto(`${BASE}/#/registro`);
  await page.getByLabel('Nombre').fill('Vecina de Conocoto');
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Crear cuenta' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mis observaciones' }).waitFor();
  assert.ok(await page.evaluate(() => sessionStorage.getItem('rendicion.token')), 'the token is kept in sessionStorage');

  // Signing out and in again.
  await page.getByRole('button', { name: 'Salir' }).click();
  await page.goto(`${BASE}/#/ingresar`);
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill('not-the-password');
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page.getByRole('alert').waitFor();
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mis observaciones' }).waitFor();
  await assertClean(page, 'Mis observaciones (empty)');

  // Keyboard only, from the top of the plan page to the form and through it.
  await page.goto(`${BASE}/#/planes/${planId}`);
  await page.reload();
  await page.locator('section.axis').first().waitFor();
  // From the first thing a Tab reaches on the page (the skip link), through the header,
  // to the button that leads to the form; Enter, and one Tab more is the form's first field.
  const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
  await page.locator('a.skip').focus();
  let tabs = 0;
  for (; tabs < 50 && (await focused()) !== 'Enviar una observación o un aporte'; tabs++) {
    await page.keyboard.press('Tab');
  }
  assert.ok(tabs < 50, 'Tab reaches the button that leads to the form');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  console.log(`browser: the observation form is ${tabs + 2} key presses from the skip link`);
  assert.ok(await page.evaluate(() => !!document.activeElement?.closest('form#observar')), 'focus is in the form');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'axis');
  await page.keyboard.press('ArrowDown'); // the second axis
  await page.keyboard.press('Tab'); // the activity: that axis's, the whole axis first
  assert.equal(await page.evaluate(() => document.activeElement.name), 'activity_id');
  const firstOfAxis2 = await page.evaluate(() => document.activeElement.options[1].textContent);
  assert.equal(firstOfAxis2, `Actividad 1: ${doc.axes[1].activities[0].description}`);
  await page.keyboard.press('ArrowDown'); // its first activity
  await page.keyboard.press('Tab'); // the kind: an observation
  await page.keyboard.press('Tab'); // the text
  const text = `Ampliar el horario del centro de salud de Alangasí (${Date.now()}).`;
  await page.keyboard.type(text);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Mis observaciones' }).waitFor();
  const card = page.locator('li.card', { hasText: text });
  await card.getByText('Recibida').waitFor();
  await card.getByRole('link', { name: `Eje 2: ${doc.axes[1].name}` }).waitFor();
  await card.getByText(`Sobre la actividad 1: ${doc.axes[1].activities[0].description}`).waitFor();
  const token = await page.evaluate(() => sessionStorage.getItem('rendicion.token'));
  const mine = (await api('GET', '/api/v1/me/observations', { token })).json.items;
  const sent = mine.find((o) => o.body === text);
  assert.ok(sent, 'the service stored it');
  const axis2 = (await api('GET', `/api/v1/plans/${planId}`)).json.axes.find((a) => a.number === 2).id;
  assert.equal(sent.axis_id, axis2);
  const acts2 = (await api('GET', `/api/v1/plans/${planId}/activities?axis_id=${axis2}`)).json.items;
  assert.equal(sent.activity_id, acts2.find((a) => a.number === 1).id, 'it is directed at the activity chosen');

  // Staff answer it through the API; the citizen sees the answer after a reload.
  const director = tokenFor('directores', { unit_id: 1 });
  const answer = 'Se coordinará con el Ministerio de Salud la ampliación del horario.';
  assert.equal((await api('PATCH', `/api/v1/observations/${sent.id}`, { token: director, body: { status: 'in_review' } })).status, 200);
  assert.equal((await api('PATCH', `/api/v1/observations/${sent.id}`, { token: director, body: { status: 'accepted', response: answer } })).status, 200);
  await page.reload();
  await card.getByText('Aceptada').waitFor();
  await card.getByText(answer).waitFor();

  // A second one, withdrawn while received.
  await page.goto(`${BASE}/#/planes/${planId}`);
  const form = page.locator('form#observar');
  await form.getByLabel('Eje del plan').selectOption({ label: `Eje 4: ${doc.axes[3].name}` });
  await form.getByLabel('Aporte', { exact: true }).check();
  const other = `Señalizar los pasos peatonales de la vía Intervalles (${Date.now()}).`;
  await form.getByLabel('Tu observación o aporte').fill(other);
  await form.getByRole('button', { name: 'Enviar' }).click();
  const second = page.locator('li.card', { hasText: other });
  await second.getByText('Recibida').waitFor();
  await assertClean(page, 'Mis observaciones');
  await second.getByRole('button', { name: 'Retirar' }).click();
  await page.locator('li.card', { hasText: other }).getByText('Retirada').waitFor();
  assert.equal(await page.locator('li.card', { hasText: other }).getByRole('button', { name: 'Retirar' }).count(), 0);
  await context.close();
});

test("the API's Spanish detail is shown, and a 429 says when to try again", async () => {
  const { context, page } = await openPage();
  const email = `vecino-${Date.now()}@example.org`;
  await page.goto(`${BASE}/#/registro`);
  await page.getByLabel('Nombre').fill('Vecino de Amaguaña');
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill('corta');
  await page.getByRole('button', { name: 'Crear cuenta' }).click();
  // The service's own 422 about the password, pointed at its field.
  await page.getByRole('alert').waitFor();
  assert.equal(await page.getByLabel('Contraseña').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Contraseña').fill('Amaguaña-2024-portal');
  await page.getByRole('button', { name: 'Crear cuenta' }).click();
  await page.getByRole('heading', { level: 1, name: 'Mis observaciones' }).waitFor();

  // The hourly limit is the service's (OBSERVATIONS_PER_HOUR); its answer is replayed
  // here so that the test does not spend an hour's quota.
  const detail = 'Enviaste demasiadas observaciones en la última hora.';
  await page.route('**/api/v1/axes/*/observations', (route) => route.fulfill({
    status: 429,
    headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '1200' },
    body: JSON.stringify({ type: 'urn:rendicion:problem:rate_limited', title: 'Too Many Requests', status: 429, detail, code: 'rate_limited', reason: 'rate_limited' }),
  }));
  await page.goto(`${BASE}/#/planes/${planId}`);
  await page.locator('form#observar').getByLabel('Tu observación o aporte').fill('Más luminarias en el parque de Sangolquí.');
  await page.locator('form#observar').getByRole('button', { name: 'Enviar' }).click();
  const alert = page.locator('form#observar').getByRole('alert');
  await alert.waitFor();
  const said = await alert.textContent();
  assert.ok(said.includes(detail), said);
  assert.match(said, /Podrás intentarlo de nuevo en 20 minutos \(a las \d{1,2}:\d{2}/);
  await context.close();
});

test('the pages a mail links to: the account is activated, a new password chosen, and a reset asked for', async () => {
  // This instance sends no mail: the links' tokens are made as the mails would carry them
  // (migrations/functions/18_users.sql), the mails themselves are tests/integration/mail.test.mjs's.
  const email = `enlace-${Date.now()}@example.org`;
  const reg = await api('POST', '/api/v1/auth/register', { body: { email, password: 'la clave de siempre', name: 'Vecina' } });
  assert.equal(reg.status, 202, reg.text);
  const id = sql(`SELECT id FROM users WHERE email = '${email}'`);
  sql(`UPDATE users SET verified_at = NULL WHERE id = ${id}`);
  const verify = sql(`SELECT account_token_new(${id}, 'verify', interval '1 day')`);
  const { context, page } = await openPage({ width: 360, height: 740 });
  await page.goto(`${BASE}/?accion=verificar&token=${verify}`);
  await page.getByRole('heading', { level: 1, name: 'Cuenta activada' }).waitFor();
  assert.ok(!page.url().includes(verify), 'the token leaves the address bar');
  await assertClean(page, 'the verification page');
  assert.equal((await api('POST', '/api/v1/auth/token', { body: { email, password: 'la clave de siempre' } })).status, 200);

  const reset = sql(`SELECT account_token_new(${id}, 'reset', interval '1 hour')`);
  await page.goto(`${BASE}/?accion=restablecer&token=${reset}`);
  await page.getByRole('heading', { level: 1, name: 'Restablecer la contraseña' }).waitFor();
  await page.getByLabel('Contraseña nueva').fill('corta');
  await page.getByRole('button', { name: 'Guardar la contraseña' }).click();
  await page.getByRole('alert').waitFor();
  assert.equal(await page.getByLabel('Contraseña nueva').getAttribute('aria-invalid'), 'true');
  await page.getByLabel('Contraseña nueva').fill('la clave recién elegida');
  await page.getByRole('button', { name: 'Guardar la contraseña' }).click();
  await page.getByText('Tu contraseña cambió. Ya puedes ingresar con ella.').waitFor();
  await noHorizontalScroll(page, 'the reset page');
  await assertClean(page, 'the reset page');
  assert.equal((await api('POST', '/api/v1/auth/token', { body: { email, password: 'la clave recién elegida' } })).status, 200);

  // Without a token: from the sign-in page the notice links to, ask for the mail with the link.
  await page.getByRole('link', { name: 'Ingresar', exact: true }).last().click();
  await page.getByRole('heading', { level: 1, name: 'Ingresar' }).waitFor();
  await page.getByRole('link', { name: '¿Olvidaste tu contraseña?' }).click();
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByRole('button', { name: 'Enviarme el enlace' }).click();
  await page.getByText(/Si ese correo tiene una cuenta, te enviamos un enlace/).waitFor();
  await assertClean(page, 'the reset request page');
  await context.close();
});

test('GET /docs renders every operation of /openapi.json from files of this service', async () => {
  const { context, page } = await openPage();
  const spec = (await api('GET', '/openapi.json')).json;
  const operations = Object.values(spec.paths)
    .flatMap((p) => Object.keys(p).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))).length;
  await page.goto(`${BASE}/docs`);
  await page.locator('.opblock').first().waitFor();
  assert.equal(await page.locator('.opblock').count(), operations);
  await page.getByText(spec.info.title).first().waitFor();
  await assertClean(page, '/docs');
  await context.close();
});
