// apiserver_storage_objects as kube-apiserver keeps it: a resource's count as
// of its last check, checked again once a minute has passed (its
// --etcd-count-metric-poll-period), -1 when the check failed. Fake clock,
// real SQLite store.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { COUNT_CHECK_PERIOD_MS, StoredObjectCounts } from '../../main/apiserver/storedObjectCounts.ts';
import { SqliteStore } from '../../main/store/sqlite.ts';

const store = new SqliteStore({ path: ':memory:' });
after(() => store.close());

const configMap = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' } });

test('a count is the last check\'s until a minute has passed, then checked again', async () => {
  let nowMs = Date.parse('2026-01-01T00:00:00Z');
  const counts = new StoredObjectCounts(store, () => new Date(nowMs));
  const prefix = '/registry/configmaps/';
  await store.create(`${prefix}default/a`, configMap('a'));
  assert.equal(await counts.count(prefix), 1);
  await store.create(`${prefix}default/b`, configMap('b'));
  nowMs += COUNT_CHECK_PERIOD_MS - 1;
  assert.equal(await counts.count(prefix), 1, 'as of the last check');
  assert.equal(await counts.count('/registry/secrets/'), 0, 'each resource has its own check');
  nowMs += 1;
  assert.equal(await counts.count(prefix), 2);
});

test('a failed check reads -1 until the next one', async () => {
  let nowMs = 0;
  let failing = true;
  const counts = new StoredObjectCounts({ count: async () => (failing ? Promise.reject(new Error('store closed')) : 3) }, () => new Date(nowMs));
  assert.equal(await counts.count('/registry/pods/'), -1);
  failing = false;
  assert.equal(await counts.count('/registry/pods/'), -1);
  nowMs += COUNT_CHECK_PERIOD_MS;
  assert.equal(await counts.count('/registry/pods/'), 3);
});
