// A component that only reads what the API answers (the kubelet's status
// manager, the ReplicaSet controller) asks its in-process client for
// read-only answers: a get or a write then answers with the object the
// resource's watchers share, frozen, instead of a copy of it. Every other
// client still gets an object of its own, and nothing a read-only caller is
// handed can be changed under the watchers.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { componentUser } from '../../main/apiserver/auth/user.ts';
import type { ClientWatchEvent } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { eventually } from '../helpers/eventually.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
});
after(() => api.close());

const configMaps = { group: '', version: 'v1', plural: 'configmaps' };
const pods = { group: '', version: 'v1', plural: 'pods' };
const componentClient = () => api.api.client(componentUser('system:kube-controller-manager'), { typedBodies: true });

function isDeeplyFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeeplyFrozen);
}

/** Watches a resource in the default namespace, keeping every event. */
function watchAll(ref: typeof configMaps): { events: ClientWatchEvent<KubeObject>[]; stop(): void } {
  const events: ClientWatchEvent<KubeObject>[] = [];
  const handle = api.client.resource(ref).watch('default', {}, (e) => events.push(e));
  return { events, stop: () => handle.stop() };
}

const eventFor = (events: ClientWatchEvent<KubeObject>[], resourceVersion: string | undefined) => eventually(`the watch event of revision ${resourceVersion}`, async () => events.find((e) => e.object.metadata.resourceVersion === resourceVersion)?.object, 5_000, 5);

test("a read-only client's get and writes of a watched resource answer with the watchers' own frozen object", async () => {
  const watch = watchAll(configMaps);
  try {
    const readOnly = componentClient().resource(configMaps, { readOnlyAnswers: true });
    const created = await readOnly.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared', namespace: 'default' }, data: { a: '1' } } as KubeObject);
    assert.ok(isDeeplyFrozen(created));
    assert.equal(await eventFor(watch.events, created.metadata.resourceVersion), created);

    const got = await readOnly.get('default', 'shared');
    assert.equal(got, created);
    assert.throws(() => {
      (got as unknown as { data: Record<string, string> }).data.a = 'changed';
    }, TypeError);

    const updated = await readOnly.update('default', { ...got, data: { a: '2' } });
    assert.ok(isDeeplyFrozen(updated));
    assert.equal(await eventFor(watch.events, updated.metadata.resourceVersion), updated);
    assert.deepEqual((created as { data?: unknown }).data, { a: '1' });
  } finally {
    watch.stop();
  }
});

test('every other client gets an object of its own, equal to the shared one, that it may change', async () => {
  const watch = watchAll(configMaps);
  try {
    const component = componentClient().resource(configMaps);
    const created = await component.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'copied', namespace: 'default' }, data: { a: '1' } } as KubeObject);
    const watched = await eventFor(watch.events, created.metadata.resourceVersion);
    assert.notEqual(created, watched);
    assert.deepEqual(created, watched);
    assert.equal(Object.isFrozen(created), false);

    const got = await api.client.resource(configMaps).get('default', 'copied');
    (got as unknown as { data: Record<string, string> }).data.a = 'changed here only';
    const again = await componentClient().resource(configMaps, { readOnlyAnswers: true }).get('default', 'copied');
    assert.deepEqual((again as { data?: unknown }).data, { a: '1' });
  } finally {
    watch.stop();
  }
});

test('a read-only get of a resource nobody watches answers the stored object, as any get', async () => {
  const secrets = { group: '', version: 'v1', plural: 'secrets' };
  await api.client.resource(secrets).create('default', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'unwatched' }, stringData: { k: 'v' } } as KubeObject);
  const plain = await api.client.resource(secrets).get('default', 'unwatched');
  const readOnly = await componentClient().resource(secrets, { readOnlyAnswers: true }).get('default', 'unwatched');
  assert.deepEqual(readOnly, plain);
});

test('a read-only create of a resource nobody watches answers what a get then reads, holes in the body or not', async () => {
  const events = { group: '', version: 'v1', plural: 'events' };
  const readOnly = componentClient().resource(events, { readOnlyAnswers: true });
  const event = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'default', ...extra }, involvedObject: { kind: 'Pod', namespace: 'default', name: 'p', uid: 'u' }, reason: 'Started', message: 'Started container c', type: 'Normal', count: 1, source: { component: 'kubelet', host: 'node-1' }, firstTimestamp: '2026-12-07T00:00:00Z', lastTimestamp: '2026-12-07T00:00:00Z' }) as unknown as KubeObject;
  const plainShaped = await readOnly.create('default', event('unwatched-plain'));
  assert.deepEqual(plainShaped, await api.client.resource(events).get('default', 'unwatched-plain'));
  const withHoles = await readOnly.create('default', event('unwatched-holes', { labels: { kept: 'yes', dropped: undefined } }));
  assert.deepEqual(withHoles, await api.client.resource(events).get('default', 'unwatched-holes'));
  assert.deepEqual(Object.keys(withHoles.metadata.labels ?? {}), ['kept']);
});

test('binding a pod writes a new object: what the watchers were handed before stays as it was', async () => {
  const watch = watchAll(pods);
  try {
    const created = await api.client.resource(pods).create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bound-later' }, spec: { schedulerName: 'my-scheduler', containers: [{ name: 'c', image: 'busybox:1.36' }] } } as KubeObject);
    const before = await eventFor(watch.events, created.metadata.resourceVersion);
    await api.client.resource(pods).createSubresource('default', 'bound-later', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound-later' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } } as unknown as KubeObject);
    const bound = await api.client.resource(pods).get('default', 'bound-later');
    assert.equal((bound.spec as { nodeName?: string }).nodeName, 'node-1');
    assert.equal((before.spec as { nodeName?: string }).nodeName, undefined);
    assert.equal(((before.status as { conditions?: unknown[] } | undefined)?.conditions ?? []).length, 0);
    const after = await eventFor(watch.events, bound.metadata.resourceVersion);
    assert.equal((after.spec as { nodeName?: string }).nodeName, 'node-1');
  } finally {
    watch.stop();
  }
});

test("a write's watch view is what parsing its stored text gives, even when the object written held undefined fields", async () => {
  const watch = watchAll(configMaps);
  try {
    const sent = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'with-holes', namespace: 'default', labels: { kept: 'yes', dropped: undefined } }, data: { a: '1' } } as unknown as KubeObject;
    const created = await componentClient().resource(configMaps, { readOnlyAnswers: true }).create('default', sent);
    const watched = await eventFor(watch.events, created.metadata.resourceVersion);
    assert.deepEqual(Object.keys(watched.metadata.labels ?? {}), ['kept']);
    const stored = await api.client.resource(configMaps).get('default', 'with-holes');
    assert.deepEqual(watched, stored);
    assert.ok(isDeeplyFrozen(watched));
  } finally {
    watch.stop();
  }
});

test('a status write shares the unchanged spec with what the watchers had, and still answers other clients with their own object', async () => {
  const watch = watchAll(pods);
  try {
    const created = await api.client.resource(pods).create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'status-only' }, spec: { schedulerName: 'my-scheduler', containers: [{ name: 'c', image: 'busybox:1.36' }] } } as KubeObject);
    const before = await eventFor(watch.events, created.metadata.resourceVersion);
    const written = await api.client.resource(pods).updateStatus('default', { ...created, status: { ...(created.status as object), conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } } as KubeObject);
    const after = await eventFor(watch.events, written.metadata.resourceVersion);
    assert.equal(after.spec, before.spec);
    assert.equal(Object.isFrozen(written), false);
    (written.spec as { containers: unknown[] }).containers.push({ name: 'mine' });
    assert.equal((after.spec as { containers: unknown[] }).containers.length, 1);

    const unchanged = await api.client.resource(pods).updateStatus('default', { ...after, metadata: { ...after.metadata }, status: after.status });
    assert.equal(unchanged.metadata.resourceVersion, after.metadata.resourceVersion);
    assert.equal(Object.isFrozen(unchanged.spec), false);
  } finally {
    watch.stop();
  }
});
