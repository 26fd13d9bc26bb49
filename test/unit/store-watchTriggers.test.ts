// Watches with a trigger (kube-apiserver's indexed triggers: pod watches by
// spec.nodeName): the store hands such a watch only the events whose new or
// previous value has the trigger's value, and everything else as before; and
// through the API server, each node's pod watch still sees its pods come, change
// and go, while the other nodes' watches see none of them.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SqliteStore } from '../../main/store/sqlite.ts';
import type { KeyValue, WatchEvent } from '../../main/store/store.ts';
import type { ClientWatchEvent } from '../../main/kube/client/types.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';
import { eventually } from '../helpers/eventually.ts';

/** Waits for the watchers to be handed what they are owed (the store delivers on a later turn). */
const until = (what: string, done: () => boolean) => eventually(what, async () => done() || undefined);

/** The node a stored test value names (`{"node":"a"}`). */
let indexed = 0;
const nodeOf = (kv: KeyValue): string => {
  indexed++;
  return (JSON.parse(kv.value) as { node?: string }).node ?? '';
};

describe('store watches with a trigger', () => {
  it('get the events whose new or previous value has their value, in order; untriggered watches get all', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    try {
      const seen = { a: [] as string[], b: [] as string[], none: [] as string[], all: [] as string[] };
      const record = (into: string[]) => (e: WatchEvent) => into.push(`${e.type} ${e.kv.key} ${e.kv.value}`);
      store.watch('/p/', record(seen.a), { trigger: { index: nodeOf, value: 'a' } });
      store.watch('/p/', record(seen.b), { trigger: { index: nodeOf, value: 'b' } });
      store.watch('/p/', record(seen.none), { trigger: { index: nodeOf, value: '' } });
      store.watch('/p/', record(seen.all));
      const one = await store.create('/p/one', '{}');
      const bound = await store.update('/p/one', '{"node":"a"}', one.modRevision);
      const moved = await store.update('/p/one', '{"node":"b"}', bound.modRevision);
      await store.create('/p/two', '{"node":"a"}');
      await store.delete('/p/one', moved.modRevision);
      await until('5 events for the untriggered watch', () => seen.all.length === 5);
      assert.deepEqual(seen.a, ['PUT /p/one {"node":"a"}', 'PUT /p/one {"node":"b"}', 'PUT /p/two {"node":"a"}']);
      assert.deepEqual(seen.b, ['PUT /p/one {"node":"b"}', 'DELETE /p/one {"node":"b"}']);
      assert.deepEqual(seen.none, ['PUT /p/one {}', 'PUT /p/one {"node":"a"}']);
      // The index is worked out once per event and value, not once per watch: two values an event at most.
      assert.ok(indexed <= 5 * 2, `indexed ${indexed} times for 5 events`);
    } finally {
      await store.close();
    }
  });

  it('a cancelled triggered watch gets nothing more, and the others go on', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    try {
      const first: string[] = [];
      const second: string[] = [];
      const cancelled = store.watch('/p/', (e) => first.push(e.kv.key), { trigger: { index: nodeOf, value: 'a' } });
      store.watch('/p/', (e) => second.push(e.kv.key), { trigger: { index: nodeOf, value: 'a' } });
      await store.create('/p/x', '{"node":"a"}');
      await until('the first event', () => second.length === 1);
      cancelled.cancel();
      await store.create('/p/y', '{"node":"a"}');
      await until('the second event', () => second.length === 2);
      assert.deepEqual(second, ['/p/x', '/p/y']);
      assert.deepEqual(first, ['/p/x']);
    } finally {
      await store.close();
    }
  });

  it('a triggered watch from an older revision catches up on history, then gets its live events', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    try {
      const early = await store.create('/p/early', '{"node":"a"}');
      await store.create('/p/other', '{"node":"b"}');
      const seen: string[] = [];
      store.watch('/p/', (e) => seen.push(e.kv.key), { startRevision: early.modRevision, trigger: { index: nodeOf, value: 'a' } });
      await store.create('/p/late', '{"node":"a"}');
      await store.create('/p/later-other', '{"node":"b"}');
      await store.create('/p/last', '{"node":"a"}');
      // History comes as it was stored (the watcher filters it); live events only when they concern `a`.
      await until('the last event', () => seen.includes('/p/last'));
      assert.deepEqual(seen, ['/p/early', '/p/other', '/p/late', '/p/last']);
    } finally {
      await store.close();
    }
  });
});

describe("a node's pod watch through the API server", () => {
  let api: InProcessApi;
  before(async () => {
    api = await startInProcessApi();
  });
  after(async () => {
    await api.close();
  });

  it('sees its pods bound, changed and deleted, and nothing of the pods of other nodes', async () => {
    const pods = api.client.resource({ group: '', version: 'v1', plural: 'pods' });
    const events: Record<string, string[]> = { 'node-a': [], 'node-b': [], unbound: [] };
    const handles = Object.keys(events).map((node) =>
      pods.watch(undefined, { fieldSelector: `spec.nodeName=${node === 'unbound' ? '' : node}`, resourceVersion: '0' }, (e: ClientWatchEvent) => {
        events[node]!.push(`${e.type} ${e.object.metadata.name}`);
      }),
    );
    try {
      const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
      await pods.create('default', pod('p1'));
      await pods.createSubresource('default', 'p1', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p1' }, target: { kind: 'Node', name: 'node-a' } });
      const bound = await pods.get('default', 'p1');
      await pods.updateStatus('default', { ...bound, status: { ...(bound.status as object), phase: 'Running' } });
      await pods.create('default', pod('p2'));
      await pods.delete('default', 'p1', { gracePeriodSeconds: 0 });
      await until('p1 deleted', () => events['node-a']!.at(-1) === 'DELETED p1');
      assert.deepEqual(events['node-a'], ['ADDED p1', 'MODIFIED p1', 'DELETED p1']);
      assert.deepEqual(events['node-b'], []);
      // Bound, p1 leaves the unbound pods' watch; p2 comes to it.
      assert.deepEqual(events.unbound, ['ADDED p1', 'DELETED p1', 'ADDED p2']);
    } finally {
      for (const handle of handles) handle.stop();
    }
  });
});
