// Signed-in readers whose answer is the public's are served from the response cache too
// (service/http/cache.c, public_view): a citizen reading a public plan gets, and leaves,
// the same cached body as the anonymous; staff, and any answer that depends on who asks
// (a citizen's own observations), are never served from it nor kept in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, tokenFor, importSeedCopy, sql } from './lib.mjs';

const citizen = () => tokenFor('ciudadanos', { sub: `cached-${randomUUID()}` });
const admin = tokenFor('administradora', { sub: 'cache-admin' });

/** Changes a plan's title without the triggers: no notification, so caches keep the old body. */
function behindTheBack(id, title) {
  sql(`SET session_replication_role = replica; UPDATE plans SET title = '${title}' WHERE id = ${id}`);
}

test('a citizen reading a public plan is served the cached public body, and her rendering serves the public', async () => {
  const plan = { id: await importSeedCopy('Plan caché firmado') };
  const first = await api('GET', `/api/v1/plans/${plan.id}`);
  assert.equal(first.status, 200, first.text);
  behindTheBack(plan.id, 'cambiado por detrás');
  const asCitizen = await api('GET', `/api/v1/plans/${plan.id}`, { token: citizen() });
  assert.equal(asCitizen.status, 200);
  assert.equal(asCitizen.json.title, first.json.title, 'served from the cache');
  assert.equal(asCitizen.headers.get('etag'), first.headers.get('etag'));
  assert.equal(asCitizen.headers.get('cache-control'), 'private, no-cache');
  // Staff see more than the public: never from the cache.
  const asAdmin = await api('GET', `/api/v1/plans/${plan.id}`, { token: admin });
  assert.equal(asAdmin.json.title, 'cambiado por detrás');

  // The other way round: a citizen renders the activities first, the public gets her body.
  const path = `/api/v1/plans/${plan.id}/activities?limit=5`;
  const hers = await api('GET', path, { token: citizen() });
  assert.equal(hers.status, 200, hers.text);
  sql(`SET session_replication_role = replica; UPDATE activities SET progress = 77 WHERE id = ${hers.json.items[0].id};
       SELECT activity_tally_rebuild()`);
  const pub = await api('GET', path);
  assert.equal(pub.text, hers.text);
});

test('an answer that depends on the citizen is neither kept for nor served to others', async () => {
  const id = await importSeedCopy('Plan caché propio');
  const axis = (await api('GET', `/api/v1/plans/${id}`)).json.axes[0].id;
  const ana = citizen();
  const sent = await api('POST', `/api/v1/axes/${axis}/observations`,
    { token: ana, body: { kind: 'observation', body: 'Solo la ve su autora mientras está recibida' } });
  assert.equal(sent.status, 201, sent.text);
  const path = `/api/v1/axes/${axis}/observations`;
  const hers = await api('GET', path, { token: ana });
  assert.ok(hers.json.items.some((o) => o.id === sent.json.id), 'the author sees her received observation');
  for (const who of [undefined, citizen()]) {
    const other = await api('GET', path, { token: who });
    assert.equal(other.status, 200, other.text);
    assert.ok(!other.json.items.some((o) => o.id === sent.json.id), 'nobody else does');
  }
});
