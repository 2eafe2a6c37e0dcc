// The portal: a few views chosen by the address's #fragment, each drawn from the API.
// Texts from the API are always set with textContent (el() below), never parsed as HTML.
import { ApiError, all, call, explain, session } from './api.js';

const MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto',
  'septiembre', 'octubre', 'noviembre', 'diciembre'];
const PLAN_STATUS = { draft: 'Borrador', approved: 'Aprobado', closed: 'Cerrado', withdrawn: 'Retirado' };
const ACTIVITY_STATUS = { pending: 'Pendiente', in_progress: 'En curso', done: 'Cumplida',
  cancelled: 'Cancelada', not_done: 'No cumplida' };
const OBS_STATUS = { received: 'Recibida', in_review: 'En revisión', accepted: 'Aceptada',
  rejected: 'Rechazada', withdrawn: 'Retirada' };
const KIND = { observation: 'Observación', contribution: 'Aporte' };

const main = document.getElementById('contenido');

// ---------------------------------------------------------------- building blocks
/** An element: tag with optional class (tag.class), attributes, children (text or nodes). */
function el(spec, attrs = {}, ...children) {
  const [tag, ...cls] = spec.split('.');
  const e = document.createElement(tag);
  if (cls.length) e.className = cls.join(' ');
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

const pct = (n) => `${Number(n).toLocaleString('es-EC', { maximumFractionDigits: 1 })} %`;

/** A labelled progress bar: the label names what it measures, the figure is also text. */
function bar(label, value, note) {
  const id = `b${Math.random().toString(36).slice(2, 9)}`;
  return el('div.bar', {},
    el('div.bar-head', {}, el('span', { id }, label), el('strong', {}, pct(value))),
    el('progress', { max: 100, value: Math.max(0, Math.min(100, Number(value) || 0)), 'aria-labelledby': id }),
    note ? el('p.bar-note', {}, note) : null);
}

function badge(text, kind) {
  return el(`span.badge.${kind}`, {}, text);
}

/** What a view draws: the document's title and the nodes of <main>. */
const view = (title, ...nodes) => ({ title, nodes });

/** Replaces the main content with nodes and moves focus to its first heading. */
function show(title, ...nodes) {
  document.title = `${title} · Rendición de Cuentas`;
  main.replaceChildren(...nodes.flat(Infinity).filter(Boolean));
  const h = main.querySelector('h1');
  if (h) {
    h.tabIndex = -1;
    h.focus({ preventScroll: true });
  }
  window.scrollTo(0, 0);
}

/** A message box: role alert for errors (read out at once), status for the rest. */
function notice(text, kind = 'error') {
  return el(`div.notice.${kind}`, { role: kind === 'error' ? 'alert' : 'status' }, text);
}

function failure(title, err) {
  return view(title, el('h1', {}, title), notice(explain(err)), el('p', {}, el('a', { href: '#/' }, 'Volver a los planes')));
}

function field(label, input, hint) {
  const id = input.id || `f${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  const hintEl = hint ? el('p.hint', { id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return el('div.field', {}, el('label', { for: id }, label), hintEl, input);
}

/** Shows err in the form's message area; marks the fields that 422's errors point at. */
function formError(form, err) {
  const box = form.querySelector('.form-message');
  box.replaceChildren(notice(explain(err)));
  for (const f of form.querySelectorAll('[aria-invalid]')) f.removeAttribute('aria-invalid');
  const errors = err instanceof ApiError ? err.problem?.errors ?? [] : [];
  if (errors.length) {
    const list = el('ul');
    for (const e of errors) {
      const name = (e.pointer || '').split('/')[1];
      const input = name ? form.elements.namedItem(name) : null;
      if (input?.setAttribute) input.setAttribute('aria-invalid', 'true');
      list.append(el('li', {}, input ? `${input.labels?.[0]?.textContent ?? name}: ${e.message}` : e.message));
    }
    box.firstChild.append(list);
  }
  box.querySelector('[role=alert]')?.focus?.();
}

function formMessage() {
  return el('div.form-message', { tabindex: -1 });
}

/** Runs send (async) when form is submitted, instead of the browser's submission; what it
 * throws is shown in the form (formError). */
function onSubmit(form, send) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await send();
    } catch (err) {
      formError(form, err);
    }
  });
}

// ---------------------------------------------------------------- session in the header
function refreshNav() {
  const claims = session.claims;
  if (!claims && session.token) session.clear();
  for (const li of document.querySelectorAll('[data-when]')) {
    const when = li.dataset.when;
    li.hidden = when === 'anon' ? !!claims : when === 'citizen' ? claims?.role !== 'ciudadanos' : !claims;
  }
}

document.getElementById('salir').addEventListener('click', () => {
  session.clear();
  if (location.hash === '#/') route();
  else location.hash = '#/';
});

// ---------------------------------------------------------------- views
async function plansView() {
  const plans = await all('/plans', { auth: false });
  const list = el('ul.cards');
  for (const p of plans) {
    list.append(el('li.card', {},
      el('h2', {}, el('a', { href: `#/planes/${p.id}` }, p.title)),
      el('p', {}, p.entity),
      el('p.meta', {}, `Año ${p.year} · `, badge(PLAN_STATUS[p.status] ?? p.status, p.status))));
  }
  return view('Planes de trabajo',
    el('h1', {}, 'Planes de trabajo'),
    el('p.lead', {}, 'Lo que cada administración se comprometió a hacer después de su Rendición de Cuentas, cuánto ha avanzado y qué pasó con lo que dijo la ciudadanía.'),
    plans.length ? list : el('p', {}, 'Todavía no hay planes publicados.'));
}

/** Evidence links of one activity's progress reports (only the ones that have one). */
async function evidenceOf(activity) {
  if (activity.status === 'pending' && activity.progress === 0) return [];
  try {
    const updates = await all(`/activities/${activity.id}/updates`, { auth: false });
    return updates.filter((u) => u.evidence_url);
  } catch {
    return [];
  }
}

function evidenceList(updates) {
  if (!updates.length) return null;
  return el('ul.evidence', {}, updates.map((u) => el('li', {},
    el('a', { href: u.evidence_url, rel: 'noopener noreferrer' }, `Evidencia: ${u.note || u.evidence_url}`),
    ` (${new Date(u.created_at).toLocaleDateString('es-EC')})`)));
}

/** "What became of it": a row of GET /plans/{id}/report (axis, kind, number,
 * incorporated, agreements, activities, progress, evidence_urls) when the service has it. */
function outcomeOf(row) {
  if (!row) return null;
  const parts = [el('p.outcome-head', {}, row.incorporated
    ? badge('Incorporado al plan', 'done') : badge('Todavía no incorporado', 'pending'))];
  if (row.progress !== null && row.progress !== undefined) parts.push(bar('Avance de lo que se hace por este aporte', row.progress));
  const agreements = row.agreements ?? [];
  if (agreements.length) {
    parts.push(el('p', {}, el('strong', {}, 'Acuerdos: '), agreements.join(' · ')));
  }
  const acts = row.activities ?? [];
  if (acts.length) {
    parts.push(el('p.hint', {}, 'Actividades:'), el('ul.linked', {}, acts.map((a) => {
      const month = MONTHS[(a.month ?? a.due_month ?? 0) - 1];
      const facts = [month, ACTIVITY_STATUS[a.status] ?? a.status, a.progress !== undefined ? pct(a.progress) : null]
        .filter(Boolean).join(', ');
      return el('li', {}, a.description, facts ? ` (${facts})` : '');
    })));
  }
  const urls = row.evidence_urls ?? [];
  if (urls.length) {
    parts.push(el('ul.evidence', {}, urls.map((u, i) => el('li', {},
      el('a', { href: u, rel: 'noopener noreferrer' }, `Evidencia ${i + 1}`)))));
  }
  return el('div.outcome', {}, el('h4', {}, '¿Qué pasó con este aporte?'), parts);
}

function heardList(title, items, kind, rows, axisNumber) {
  if (!items.length) return null;
  return el('section.heard', {},
    el('h3', {}, title),
    el('ol', {}, items.map((o, i) => {
      const n = o.number ?? i + 1;
      const row = rows.find((r) => (r.axis?.number ?? r.axis_number) === axisNumber && r.kind === kind && r.number === n);
      return el('li', {},
        el('p', {}, o.body),
        el('p.meta', {}, badge(OBS_STATUS[o.status] ?? o.status, o.status),
          o.source === 'deliberation' ? ' Escuchada en la deliberación' : ' Enviada en línea'),
        o.response ? el('p.response', {}, el('strong', {}, 'Respuesta: '), o.response) : null,
        outcomeOf(row ?? o.outcome ?? null));
    })));
}

function activityItem(a, evidence) {
  const month = MONTHS[a.due_month - 1];
  return el('li.activity', { value: a.number },
    el('p.activity-title', {}, a.description),
    el('dl.facts', {},
      el('dt', {}, 'Mes'), el('dd', {}, month),
      el('dt', {}, 'Responsables'), el('dd', {}, a.units.map((u) => u.name).join('; ')),
      el('dt', {}, 'Estado'), el('dd', {}, badge(ACTIVITY_STATUS[a.status] ?? a.status, a.status),
        a.overdue ? badge('Atrasada', 'overdue') : null)),
    bar(`Avance de la actividad ${a.number}`, a.progress),
    evidenceList(evidence));
}

async function planView(id) {
  const [plan, doc, compliance, activities, report] = await Promise.all([
    call('GET', `/plans/${id}`, { auth: false }),
    call('GET', `/plans/${id}/document`, { auth: false }),
    call('GET', `/plans/${id}/compliance`, { auth: false }),
    all(`/plans/${id}/activities`, { auth: false }),
    // The traceability report, where the service has it; the page works without it.
    call('GET', `/plans/${id}/report`, { auth: false }).catch(() => null),
  ]);
  const rows = report?.rows ?? [];
  const evidence = new Map(await Promise.all(activities.map(async (a) => [a.id, await evidenceOf(a)])));
  const axisByNumber = new Map(plan.axes.map((a) => [a.number, a]));
  const byAxis = new Map(compliance.by_axis.map((c) => [c.number, c]));
  const t = compliance.totals;

  const sign = (label, p) => (p ? [el('dt', {}, label), el('dd', {}, `${p.name}, ${p.position}`)] : []);
  const header = [
    el('p.kicker', {}, `${doc.process} · ${doc.year}`),
    el('h1', {}, `${plan.title}: ${plan.entity}`),
    el('p.meta', {}, badge(PLAN_STATUS[plan.status] ?? plan.status, plan.status)),
    el('dl.signatures', {}, sign('Elaborado por', doc.elaborated_by), sign('Revisado y aprobado por', doc.approved_by)),
    // A way down to the form that does not change the address (the #fragment is the view).
    plan.status === 'approved' ? el('p', {}, el('button.secondary', {
      type: 'button',
      onclick: () => {
        const h = document.getElementById('participa');
        h.tabIndex = -1;
        h.scrollIntoView();
        h.focus();
      },
    }, 'Enviar una observación o un aporte')) : null,
  ];
  const summary = el('section.summary', { 'aria-labelledby': 'avance' },
    el('h2', { id: 'avance' }, 'Avance del plan'),
    bar('Avance promedio de todas las actividades', t.avg_progress,
      `${t.done} de ${t.activities - t.cancelled} actividades cumplidas (${pct(t.compliance_pct)}); ${t.in_progress} en curso, ${t.pending} pendientes${t.overdue ? `, ${t.overdue} atrasadas` : ''}. Corte: ${compliance.as_of}.`),
    el('h3', {}, 'Por eje'),
    el('ul.bars', {}, compliance.by_axis.map((c) => el('li', {},
      bar(`Eje ${c.number}: ${c.name}`, c.avg_progress, `${c.done} de ${c.activities - c.cancelled} cumplidas`)))),
    el('h3', {}, 'Por unidad responsable'),
    el('ul.bars', {}, compliance.by_unit.map((u) => el('li', {},
      bar(u.name, u.avg_progress, `${u.done} de ${u.activities - u.cancelled} cumplidas`)))));

  const axes = doc.axes.map((ax) => {
    const c = byAxis.get(ax.number);
    const axisId = axisByNumber.get(ax.number)?.id;
    const acts = activities.filter((a) => a.axis_id === axisId).sort((a, b) => a.number - b.number);
    return el('section.axis', { 'aria-labelledby': `eje-${ax.number}` },
      el('h2', { id: `eje-${ax.number}` }, `Eje ${ax.number}: ${ax.name}`),
      ax.description ? el('p', {}, ax.description) : null,
      c ? bar(`Avance del eje ${ax.number}`, c.avg_progress, `${c.done} de ${c.activities - c.cancelled} actividades cumplidas`) : null,
      heardList('Observaciones escuchadas', ax.observations ?? [], 'observation', rows, ax.number),
      heardList('Aportes ciudadanos', ax.contributions ?? [], 'contribution', rows, ax.number),
      (ax.agreements ?? []).length ? el('section', {}, el('h3', {}, 'Acuerdos'),
        el('ol', {}, ax.agreements.map((g) => el('li', { value: g.number }, g.text)))) : null,
      acts.length ? el('section', {}, el('h3', {}, 'Cronograma'),
        el('ol.activities', {}, acts.map((a) => activityItem(a, evidence.get(a.id))))) : null);
  });

  return view(plan.title, header, summary, axes, participate(plan, activities));
}

/** The form to send an observation or a contribution on an axis, or on one activity of it
 * (activity_id), or the way to sign in first. */
function participate(plan, activities) {
  const box = el('section.participate', { 'aria-labelledby': 'participa', id: 'participa-form' },
    el('h2', { id: 'participa' }, 'Participa: envía una observación o un aporte'));
  if (plan.status !== 'approved') {
    box.append(el('p', {}, 'Este plan ya no recibe observaciones.'));
    return box;
  }
  if (session.claims?.role !== 'ciudadanos') {
    box.append(el('p', {}, 'Para enviar una observación, ',
      el('a', { href: `#/ingresar?volver=${encodeURIComponent(location.hash)}` }, 'ingresa'), ' o ',
      el('a', { href: `#/registro?volver=${encodeURIComponent(location.hash)}` }, 'crea una cuenta'), '.'));
    return box;
  }
  const axis = el('select', { name: 'axis', required: true },
    plan.axes.map((a) => el('option', { value: a.id }, `Eje ${a.number}: ${a.name}`)));
  // The activities of the chosen axis, by number; none chosen: the axis as a whole.
  const activity = el('select', { name: 'activity_id' });
  const fillActivities = () => activity.replaceChildren(el('option', { value: '' }, 'Todo el eje'),
    ...activities.filter((t) => String(t.axis_id) === axis.value).sort((a, b) => a.number - b.number)
      .map((t) => el('option', { value: t.id }, `Actividad ${t.number}: ${t.description}`)));
  fillActivities();
  axis.addEventListener('change', fillActivities);
  const kind = el('fieldset', {}, el('legend', {}, 'Tipo'),
    el('label.choice', {}, el('input', { type: 'radio', name: 'kind', value: 'observation', checked: true }), ' Observación'),
    el('label.choice', {}, el('input', { type: 'radio', name: 'kind', value: 'contribution' }), ' Aporte'));
  const body = el('textarea', { name: 'body', rows: 5, required: true, minlength: 3, maxlength: 5000 });
  const form = el('form', { id: 'observar', novalidate: true },
    formMessage(),
    field('Eje del plan', axis),
    field('Sobre una actividad (opcional)', activity),
    kind,
    field('Tu observación o aporte', body, 'Entre 3 y 5000 caracteres. Tu nombre no se publica.'),
    el('button', { type: 'submit' }, 'Enviar'));
  // One key per text written: a retry after a lost answer is not stored twice.
  // (getRandomValues, unlike randomUUID, works on a plain-http address too.)
  const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  let key = newKey();
  body.addEventListener('input', () => { key = newKey(); });
  form.addEventListener('change', () => { key = newKey(); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await call('POST', `/axes/${axis.value}/observations`, {
        body: { kind: form.elements.kind.value, body: body.value,
          ...(activity.value ? { activity_id: Number(activity.value) } : {}) },
        headers: { 'Idempotency-Key': key },
      });
      location.hash = '#/mis-observaciones?enviada=1';
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return signInAgain();
      formError(form, err);
    } finally {
      button.disabled = false;
    }
  });
  box.append(form);
  return box;
}

function signInAgain() {
  session.clear();
  refreshNav();
  location.hash = `#/ingresar?volver=${encodeURIComponent(location.hash)}&vencida=1`;
  return null;
}

function back(params) {
  const to = params.get('volver');
  return to && to.startsWith('#/') ? to : '#/mis-observaciones';
}

/** Signs in and goes back where the visitor came from (back). */
async function signIn(email, password, params) {
  const t = await call('POST', '/auth/token', { body: { email, password }, auth: false });
  session.save(t.access_token);
  refreshNav();
  location.hash = back(params);
}

function signInView(params) {
  const email = el('input', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const password = el('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const form = el('form', { novalidate: true }, formMessage(),
    field('Correo electrónico', email), field('Contraseña', password),
    el('button', { type: 'submit' }, 'Ingresar'));
  onSubmit(form, () => signIn(email.value, password.value, params));
  return view('Ingresar', el('h1', {}, 'Ingresar'),
    params.get('vencida') ? notice('Tu sesión terminó. Ingresa de nuevo para seguir.', 'info') : null,
    form,
    el('p', {}, '¿No tienes cuenta? ', el('a', { href: `#/registro?volver=${encodeURIComponent(back(params))}` }, 'Crea una')),
    el('p', {}, el('a', { href: '#/restablecer' }, '¿Olvidaste tu contraseña?')));
}

// ---------------------------------------------------------------- links sent by mail
// The verification and reset mails link to PUBLIC_BASE_URL/?accion=…&token=…; once used,
// the query leaves the address bar so a reload does not post the token again.
function leaveLink(hash) {
  history.replaceState(null, '', `${location.pathname}${hash}`);
}

async function verifyView(token) {
  leaveLink('#/');
  try {
    await call('POST', '/auth/verify', { body: { token }, auth: false });
  } catch (err) {
    return failure('No se pudo activar la cuenta', err);
  }
  return view('Cuenta activada', el('h1', {}, 'Cuenta activada'),
    notice('Tu cuenta está activa. Ya puedes ingresar.', 'info'),
    el('p', {}, el('a', { href: '#/ingresar' }, 'Ingresar')));
}

/** With a token: choose a new password; without: ask for the mail with the link. */
function resetView(token) {
  const input = token
    ? el('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: 10 })
    : el('input', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const form = el('form', { novalidate: true }, formMessage(),
    token ? field('Contraseña nueva', input, 'Al menos 10 caracteres.') : field('Correo electrónico', input),
    el('button', { type: 'submit' }, token ? 'Guardar la contraseña' : 'Enviarme el enlace'));
  onSubmit(form, async () => {
    if (token) {
      await call('POST', '/auth/password-reset/confirm', { body: { token, password: input.value }, auth: false });
      leaveLink('#/');
      form.replaceWith(notice('Tu contraseña cambió. Ya puedes ingresar con ella.', 'info'),
        el('p', {}, el('a', { href: '#/ingresar' }, 'Ingresar')));
    } else {
      await call('POST', '/auth/password-reset', { body: { email: input.value }, auth: false });
      form.replaceWith(notice('Si ese correo tiene una cuenta, te enviamos un enlace para elegir una contraseña nueva. Vale por una hora.', 'info'));
    }
  });
  return view('Restablecer la contraseña', el('h1', {}, 'Restablecer la contraseña'), form);
}

function registerView(params) {
  const name = el('input', { name: 'name', autocomplete: 'name', required: true, maxlength: 200 });
  const email = el('input', { type: 'email', name: 'email', autocomplete: 'email', required: true });
  const password = el('input', { type: 'password', name: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const form = el('form', { novalidate: true }, formMessage(),
    field('Nombre', name), field('Correo electrónico', email),
    field('Contraseña', password, 'Al menos 10 caracteres.'),
    el('button', { type: 'submit' }, 'Crear cuenta'));
  onSubmit(form, async () => {
    const reg = await call('POST', '/auth/register', { body: { name: name.value, email: email.value, password: password.value }, auth: false });
    // Where the service sends mail, the account works once the link in that mail is
    // opened (the answer is the same whether or not the email already had an account).
    if (reg?.verification === 'mail') {
      form.replaceWith(notice('Te enviamos un correo: abre el enlace para activar tu cuenta y luego ingresa.', 'info'));
      return;
    }
    await signIn(email.value, password.value, params);
  });
  return view('Crear cuenta', el('h1', {}, 'Crear cuenta'),
    el('p', {}, 'Con una cuenta puedes enviar observaciones y aportes a los planes y seguir sus respuestas.'),
    form);
}

async function myObservationsView(params) {
  if (session.claims?.role !== 'ciudadanos') {
    location.hash = '#/ingresar?volver=%23%2Fmis-observaciones';
    return null;
  }
  let items;
  try {
    items = await all('/me/observations');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signInAgain();
    throw err;
  }
  items.sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
  // Each axis once: its number and name say where the observation was sent.
  const axes = new Map(await Promise.all([...new Set(items.map((o) => o.axis_id))].map(async (id) =>
    [id, await call('GET', `/axes/${id}`, { auth: false }).catch(() => null)])));
  // And each activity one was directed at (activity_id), by its number.
  const acts = new Map(await Promise.all([...new Set(items.map((o) => o.activity_id).filter(Boolean))]
    .map(async (id) => [id, await call('GET', `/activities/${id}`, { auth: false }).catch(() => null)])));
  const list = el('ul.cards.mine');
  for (const o of items) {
    const axis = axes.get(o.axis_id);
    const li = el('li.card', { 'data-id': o.id },
      el('p.meta', {}, badge(KIND[o.kind] ?? o.kind, 'kind'), ' ', badge(OBS_STATUS[o.status] ?? o.status, o.status),
        ` · ${new Date(o.created_at).toLocaleDateString('es-EC')}`),
      axis ? el('p.hint', {}, el('a', { href: `#/planes/${axis.plan_id}` }, `Eje ${axis.number}: ${axis.name}`)) : null,
      acts.get(o.activity_id) ? el('p.hint', {}, `Sobre la actividad ${acts.get(o.activity_id).number}: ${acts.get(o.activity_id).description}`) : null,
      el('p', {}, o.body),
      o.response ? el('p.response', {}, el('strong', {}, 'Respuesta: '), o.response)
        : el('p.hint', {}, o.status === 'withdrawn' ? 'La retiraste.' : 'Todavía sin respuesta.'));
    if (o.status === 'received') {
      const msg = el('div');
      li.append(msg, el('button.secondary', {
        type: 'button',
        onclick: async () => {
          try {
            await call('POST', `/observations/${o.id}/withdraw`);
            await route();
          } catch (err) {
            if (err instanceof ApiError && err.status === 401) return signInAgain();
            msg.replaceChildren(notice(explain(err)));
          }
        },
      }, 'Retirar'));
    }
    list.append(li);
  }
  return view('Mis observaciones', el('h1', {}, 'Mis observaciones'),
    params.get('enviada') ? notice('Recibimos tu observación. Aquí verás su estado y la respuesta.', 'info') : null,
    items.length ? list : el('p', {}, 'Todavía no has enviado observaciones. Elige un plan para participar: ', el('a', { href: '#/' }, 'ver los planes'), '.'));
}

// ---------------------------------------------------------------- routing
let navigation = 0; // the latest; a slower, older view's answer is dropped

async function route() {
  const hash = location.hash || '#/';
  if (!hash.startsWith('#/')) return; // an in-page link (the skip link): not a view
  const [path, query = ''] = hash.slice(1).split('?');
  const params = new URLSearchParams(query);
  const mine = ++navigation;
  refreshNav();
  const plan = path.match(/^\/planes\/(\d+)$/);
  const link = new URLSearchParams(location.search);
  let v;
  try {
    if (link.get('accion') === 'verificar' && link.get('token')) v = await verifyView(link.get('token'));
    else if (link.get('accion') === 'restablecer') {
      if (!link.get('token')) leaveLink('#/restablecer');
      v = resetView(link.get('token'));
    }
    else if (path === '/restablecer') v = resetView(null);
    else if (plan) v = await planView(plan[1]);
    else if (path === '/ingresar') v = signInView(params);
    else if (path === '/registro') v = registerView(params);
    else if (path === '/mis-observaciones') v = await myObservationsView(params);
    else v = await plansView();
  } catch (err) {
    v = failure('No se pudo cargar', err);
  }
  if (v && mine === navigation) show(v.title, v.nodes);
}

window.addEventListener('hashchange', route);
route();
