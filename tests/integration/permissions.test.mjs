// The permission matrix (openapi/openapi.yaml, README "Security"), exhaustively: every role (no token, ciudadanos,
// directores, administradora, an unknown role) against every write endpoint and every
// read that needs a role. Forbidden → exactly 401 (no token) or 403 (a role without the
// right, or an unknown role), with reason token_required or role_forbidden: the role gate,
// not a cause that depends on the resource. Allowed → anything but 401/403 (ids such as 999999999 are
// used where the resource does not matter, so 404/422 are fine). Then the two relations
// (a director's unit among an activity's units; a citizen's own submission) and the
// visibility of drafts (404 to the public and citizens).
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { api, assertProblem, tokenFor, sql, seedDocument } from './lib.mjs';

const X = 999999999; // no such resource
const uniq = () => randomBytes(4).toString('hex');

const TOKENS = {
  none: undefined,
  ciudadanos: tokenFor('ciudadanos', { sub: 'perm-citizen' }),
  directores: tokenFor('directores', { sub: 'perm-director', unit_id: 1 }),
  administradora: tokenFor('administradora', { sub: 'perm-admin' }),
  'unknown role': tokenFor('superadmin', { sub: 'perm-unknown' }),
};
const ROLES = Object.keys(TOKENS);

// Who may call each endpoint (the permission matrix). Bodies are chosen so that an allowed call
// changes nothing (a missing resource or an invalid body).
const EVERYONE = ['none', 'ciudadanos', 'directores', 'administradora']; // not an unknown role
const ALL = [...EVERYONE, 'unknown role']; // the login endpoints take no token at all
const KNOWN = ['ciudadanos', 'directores', 'administradora'];
const ADMIN = ['administradora'];
const STAFF = ['directores', 'administradora'];
const CITIZENS = ['ciudadanos'];

const MATRIX = [
  ['POST', '/api/v1/auth/token', ALL, {}],
  ['POST', '/api/v1/auth/register', ALL, {}],
  ['GET', '/api/v1/me', KNOWN],
  ['GET', '/api/v1/users', ADMIN],
  ['POST', '/api/v1/users', ADMIN, {}],
  ['PATCH', `/api/v1/users/${X}`, ADMIN, { name: 'Nadie' }],
  ['POST', '/api/v1/units', ADMIN, {}],
  ['PATCH', `/api/v1/units/${X}`, ADMIN, { name: 'Nada' }],
  ['POST', '/api/v1/plans', ADMIN, {}],
  ['PATCH', `/api/v1/plans/${X}`, ADMIN, { title: 'Nada' }],
  ['DELETE', `/api/v1/plans/${X}`, ADMIN],
  ['POST', `/api/v1/plans/${X}/approve`, ADMIN, { name: 'Ana', position: 'Administradora' }],
  ['POST', `/api/v1/plans/${X}/close`, ADMIN],
  ['POST', '/api/v1/plans/import', ADMIN, {}],
  ['POST', `/api/v1/plans/${X}/axes`, ADMIN, { number: 1, name: 'Eje' }],
  ['PATCH', `/api/v1/axes/${X}`, ADMIN, { name: 'Eje' }],
  ['DELETE', `/api/v1/axes/${X}`, ADMIN],
  ['POST', `/api/v1/axes/${X}/observations`, KNOWN, { kind: 'observation', body: 'Una observación' }],
  ['PATCH', `/api/v1/observations/${X}`, STAFF, { status: 'in_review' }],
  ['POST', `/api/v1/observations/${X}/withdraw`, CITIZENS],
  ['GET', '/api/v1/me/observations', CITIZENS],
  ['POST', `/api/v1/axes/${X}/agreements`, ADMIN, { number: 1, text: 'Acuerdo' }],
  ['PATCH', `/api/v1/agreements/${X}`, ADMIN, { text: 'Acuerdo' }],
  ['DELETE', `/api/v1/agreements/${X}`, ADMIN],
  ['POST', `/api/v1/axes/${X}/activities`, ADMIN, { description: 'Actividad', due_month: 5, unit_ids: [X] }],
  ['PATCH', `/api/v1/activities/${X}`, ADMIN, { description: 'Actividad' }],
  ['DELETE', `/api/v1/activities/${X}`, ADMIN],
  // Directors too; whether their unit is responsible is a relation, tested below.
  ['POST', `/api/v1/activities/${X}/updates`, STAFF, { progress: 10, note: 'Avance' }],
  ['GET', '/api/v1/audit', ADMIN],
  ['GET', `/api/v1/users/${X}`, ADMIN],
  // Public reads are open to the public and the three roles; a token with any other
  // role is refused ("A role value outside the three gets 403").
  ['GET', '/api/v1/plans', EVERYONE],
  ['GET', '/api/v1/units', EVERYONE],
  // Mail and webhooks: account links need no token; one's own account any role's token
  // (404 for a sub that is no local account); webhooks only the administradora.
  ['POST', '/api/v1/auth/verify', ALL, {}],
  ['POST', '/api/v1/auth/password-reset', ALL, {}],
  ['POST', '/api/v1/auth/password-reset/confirm', ALL, {}],
  ['GET', '/api/v1/me/account', KNOWN],
  ['PATCH', '/api/v1/me/account', KNOWN, {}],
  ['DELETE', '/api/v1/me/account', KNOWN],
  ['GET', '/api/v1/webhooks', ADMIN],
  ['POST', '/api/v1/webhooks', ADMIN, {}],
  ['DELETE', `/api/v1/webhooks/${X}`, ADMIN],
  ['GET', `/api/v1/webhooks/${X}/deliveries`, ADMIN],
];

async function call(method, path, role, body) {
  return api(method, path, { token: TOKENS[role], body, headers: { 'accept-language': 'en' } });
}

/** True when the router itself has no such route (as opposed to a missing resource). */
function noRoute(res) {
  return (res.status === 404 && res.json?.reason === 'no_route') || res.status === 405;
}

describe('the permission matrix', () => {
  for (const [method, path, allowed, body] of MATRIX) {
    for (const role of ROLES) {
      const ok = allowed.includes(role);
      const want = ok ? 'allowed (not 401/403)' : role === 'none' ? '401 token_required' : '403 role_forbidden';
      test(`${role}: ${method} ${path} → ${want}`, async () => {
        const res = await call(method, path, role, body);
        assert.ok(!noRoute(res), `the route ${method} ${path} does not exist (${res.status})`);
        if (ok) {
          assert.ok(res.status !== 401 && res.status !== 403, `got ${res.status}: ${res.text.slice(0, 200)}`);
          assert.ok(res.status < 500, `got ${res.status}: ${res.text.slice(0, 200)}`);
        } else if (role === 'none') {
          assertProblem(res, 401, 'token_required');
          assert.equal(res.headers.get('www-authenticate'), 'Bearer');
          assert.equal(res.json.code, 'unauthorized');
        } else {
          assertProblem(res, 403, 'role_forbidden');
          assert.equal(res.json.code, 'forbidden');
        }
      });
    }
  }
});

// ------------------------------------------------------------------ the relations

describe('the relations', () => {
  const admin = TOKENS.administradora;
  let activityId;
  let ownUnit;
  let otherUnit;
  let planId;
  let axisId;
  const subA = `perm-a-${uniq()}`;
  const citizenA = tokenFor('ciudadanos', { sub: subA });
  const citizenB = tokenFor('ciudadanos', { sub: `perm-b-${uniq()}` });

  before(async () => {
    const doc = { ...seedDocument(), title: `Plan de permisos ${uniq()}`, status: 'approved' };
    const res = await api('POST', '/api/v1/plans/import', { token: admin, body: doc });
    assert.equal(res.status, 201, res.text);
    planId = res.json.id;
    axisId = res.json.axes[0].id;
    [activityId, ownUnit] = sql(`SELECT t.id || '|' || au.unit_id FROM activities t
      JOIN axes a ON a.id = t.axis_id JOIN activity_units au ON au.activity_id = t.id
      WHERE a.plan_id = ${planId} ORDER BY t.id, au.position LIMIT 1`).split('|').map(Number);
    otherUnit = Number(sql(`SELECT unit_ensure('Unidad ajena a la actividad ${uniq()}')`));
  });

  function observation(status, author) {
    const response = status === 'rejected' ? "'No procede'" : 'NULL';
    return Number(sql(`INSERT INTO observations (plan_id, axis_id, kind, body, source, status, response, author_sub, author_role)
      VALUES (${planId}, ${axisId}, 'observation', 'Texto de prueba de permisos', 'online', '${status}', ${response}, '${author}', 'ciudadanos')
      RETURNING id`));
  }

  test('a director reports progress on an activity of their unit', async () => {
    const token = tokenFor('directores', { sub: 'perm-own-director', unit_id: ownUnit });
    const res = await api('POST', `/api/v1/activities/${activityId}/updates`, { token, body: { progress: 10, note: 'Avance de la unidad' } });
    assert.equal(res.status, 201, res.text);
  });

  test('a director of another unit gets 403 not_your_unit reporting progress, not role_forbidden', async () => {
    const token = tokenFor('directores', { sub: 'perm-other-director', unit_id: otherUnit });
    const res = await api('POST', `/api/v1/activities/${activityId}/updates`, { token, body: { progress: 20, note: 'No es mía' } });
    const p = assertProblem(res, 403, 'not_your_unit');
    assert.equal(p.code, 'forbidden');
  });

  test('a citizen reporting progress on the same activity gets 403 role_forbidden, not not_your_unit', async () => {
    const res = await api('POST', `/api/v1/activities/${activityId}/updates`, { token: citizenA, body: { progress: 20, note: 'Ciudadana' } });
    assertProblem(res, 403, 'role_forbidden');
  });

  test('the administradora reports progress on any activity', async () => {
    const res = await api('POST', `/api/v1/activities/${activityId}/updates`, { token: admin, body: { progress: 30, note: 'Administración' } });
    assert.equal(res.status, 201, res.text);
  });

  test('a citizen withdraws their own received observation', async () => {
    const id = observation('received', subA);
    const res = await api('POST', `/api/v1/observations/${id}/withdraw`, { token: citizenA });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.status, 'withdrawn');
  });

  test("another citizen gets 403 not_author withdrawing an observation they can see but did not write", async () => {
    const id = observation('accepted', subA);
    const res = await api('POST', `/api/v1/observations/${id}/withdraw`, { token: citizenB });
    const p = assertProblem(res, 403, 'not_author');
    assert.equal(p.code, 'forbidden');
  });

  test("another citizen gets 404 observation_not_found withdrawing someone's observation they cannot see", async () => {
    const id = observation('received', subA);
    const res = await api('POST', `/api/v1/observations/${id}/withdraw`, { token: citizenB });
    assertProblem(res, 404, 'observation_not_found');
  });
});

// ------------------------------------------------------------------ drafts

describe('drafts are invisible (404) to the public and citizens', () => {
  const admin = TOKENS.administradora;
  const paths = [];

  before(async () => {
    const doc = { ...seedDocument(), title: `Borrador de permisos ${uniq()}`, status: 'draft' };
    delete doc.approved_by;
    const res = await api('POST', '/api/v1/plans/import', { token: admin, body: doc });
    assert.equal(res.status, 201, res.text);
    const planId = res.json.id;
    const axisId = res.json.axes[0].id;
    const activityId = Number(sql(`SELECT t.id FROM activities t JOIN axes a ON a.id = t.axis_id
      WHERE a.plan_id = ${planId} ORDER BY t.id LIMIT 1`));
    const agreementId = Number(sql(`SELECT g.id FROM agreements g JOIN axes a ON a.id = g.axis_id
      WHERE a.plan_id = ${planId} ORDER BY g.id LIMIT 1`));
    // Each read with the reason of its 404: the resource read, or the parent of a list.
    paths.push(
      [`/api/v1/plans/${planId}`, 'plan_not_found'], [`/api/v1/plans/${planId}/document`, 'plan_not_found'],
      [`/api/v1/plans/${planId}/axes`, 'plan_not_found'], [`/api/v1/plans/${planId}/activities`, 'plan_not_found'],
      [`/api/v1/plans/${planId}/compliance`, 'plan_not_found'], [`/api/v1/axes/${axisId}`, 'axis_not_found'],
      [`/api/v1/axes/${axisId}/observations`, 'axis_not_found'], [`/api/v1/axes/${axisId}/agreements`, 'axis_not_found'],
      [`/api/v1/agreements/${agreementId}`, 'agreement_not_found'], [`/api/v1/activities/${activityId}`, 'activity_not_found'],
      [`/api/v1/activities/${activityId}/updates`, 'activity_not_found'],
    );
  });

  for (const role of ROLES) {
    // An unknown role is refused before visibility is even considered.
    const want = role === 'directores' || role === 'administradora' ? '200'
      : role === 'unknown role' ? '403 role_forbidden' : '404 <resource>_not_found';
    test(`${role}: every read of a draft plan gives ${want}`, async () => {
      const got = [];
      for (const [p] of paths) {
        const res = await call('GET', p, role);
        got.push(`${p} ${res.status}${res.status === 200 ? '' : ` ${res.json?.reason}`}`);
      }
      const expected = (reason) => (want === '200' ? '200' : want.startsWith('403') ? want : `404 ${reason}`);
      assert.deepEqual(got, paths.map(([p, reason]) => `${p} ${expected(reason)}`));
    });
  }
});
