// API semantics that kubectl users and controllers rely on, through the same
// dispatcher HTTP requests reach: watch ordering and selector transitions,
// 410 after compaction, consistent pagination, generation, status separation,
// finalizers, graceful pod deletion, dry run.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClientWatchEvent, ResourceClient } from '../../main/kube/client/types.ts';
import { isApiError } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const cmRef = { group: '', version: 'v1', plural: 'configmaps' };
const podRef = { group: '', version: 'v1', plural: 'pods' };
const deployRef = { group: 'apps', version: 'v1', plural: 'deployments' };

function configMap(name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data };
}

async function collect(events: ClientWatchEvent[], count: number): Promise<ClientWatchEvent[]> {
  for (let i = 0; i < 200 && events.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  return events;
}

describe('API semantics (in-process)', () => {
  let env: InProcessApi;
  let cms: ResourceClient;

  before(async () => {
    env = await startInProcessApi();
    cms = env.client.resource(cmRef);
  });
  after(async () => env?.close());

  it('watches from a resourceVersion: every later change, in order, exactly once', async () => {
    const a = await cms.create('default', configMap('w-a'));
    await cms.create('default', configMap('w-b'));
    await cms.patch('default', 'w-a', 'application/merge-patch+json', { data: { x: '1' } });
    await cms.delete('default', 'w-b');
    const events: ClientWatchEvent[] = [];
    const watch = cms.watch('default', { resourceVersion: a.metadata.resourceVersion, fieldSelector: 'metadata.name!=ignored' }, (e) => events.push(e));
    await collect(events, 3);
    watch.stop();
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED w-b', 'MODIFIED w-a', 'DELETED w-b'],
    );
    const versions = events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.deepEqual([...versions].sort((x, y) => x - y), versions);
  });

  it('while watched, a write answers and its watch event carries the object as stored, "__proto__" keys included', async () => {
    const events: ClientWatchEvent[] = [];
    const watch = cms.watch('default', { fieldSelector: 'metadata.name=proto', resourceVersion: String(await env.store.currentRevision()) }, (e) => events.push(e));
    const data = JSON.parse('{"__proto__":"a key like any other","plain":"1"}') as Record<string, string>;
    const created = await cms.create('default', configMap('proto', {}, data));
    const updated = await cms.patch('default', 'proto', 'application/merge-patch+json', { data: { plain: '2' } });
    await collect(events, 2);
    watch.stop();
    const got = await cms.get('default', 'proto');
    for (const obj of [created, updated, got, ...events.map((e) => e.object)]) {
      assert.equal(Object.getOwnPropertyDescriptor((obj as KubeObject & { data: object }).data, '__proto__')?.value, 'a key like any other');
    }
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata.resourceVersion]), [['ADDED', created.metadata.resourceVersion], ['MODIFIED', updated.metadata.resourceVersion]]);
    assert.equal(JSON.stringify(events[1]!.object), JSON.stringify(got));
  });

  it('a label-selector watch sees objects enter (ADDED) and leave (DELETED) the selection', async () => {
    const events: ClientWatchEvent[] = [];
    const watch = cms.watch('default', { labelSelector: 'tier=front', resourceVersion: String(await env.store.currentRevision()) }, (e) => events.push(e));
    await cms.create('default', configMap('sel', { tier: 'back' }));
    await cms.patch('default', 'sel', 'application/merge-patch+json', { metadata: { labels: { tier: 'front' } } });
    await cms.patch('default', 'sel', 'application/merge-patch+json', { data: { v: '2' } });
    await cms.patch('default', 'sel', 'application/merge-patch+json', { metadata: { labels: { tier: 'back' } } });
    await collect(events, 3);
    watch.stop();
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
  });

  it('in-process watchers of one change share one frozen object, as informers share read-only objects', async () => {
    const from = String(await env.store.currentRevision());
    const first: ClientWatchEvent[] = [];
    const second: ClientWatchEvent[] = [];
    const a = cms.watch('default', { resourceVersion: from }, (e) => first.push(e));
    const b = cms.watch('default', { resourceVersion: from, labelSelector: 'shared=yes' }, (e) => second.push(e));
    const created = await cms.create('default', configMap('shared', { shared: 'yes' }, { k: 'v' }));
    await collect(first, 1);
    await collect(second, 1);
    a.stop();
    b.stop();
    const object = first[0]!.object as KubeObject & { data: Record<string, string> };
    assert.equal(object, second[0]!.object);
    assert.ok(Object.isFrozen(object) && Object.isFrozen(object.metadata.labels) && Object.isFrozen(object.data));
    assert.throws(() => {
      object.data.k = 'changed';
    }, TypeError);
    // What a write answers is the caller's own copy.
    assert.ok(!Object.isFrozen(created));
  });

  it('answers 410 Expired for a watch from a compacted resourceVersion', async () => {
    const old = await cms.create('default', configMap('compact-me'));
    for (let i = 0; i < 5; i++) await cms.patch('default', 'compact-me', 'application/merge-patch+json', { data: { i: String(i) } });
    await env.store.compact(await env.store.currentRevision());
    const events: ClientWatchEvent[] = [];
    const watch = cms.watch('default', { resourceVersion: old.metadata.resourceVersion }, (e) => events.push(e));
    await collect(events, 1);
    await watch.done;
    assert.equal(events[0]?.type, 'ERROR');
    assert.equal((events[0].object as { code?: number }).code, 410);
  });

  it('paginates at one consistent resourceVersion while writes happen between pages', async () => {
    await env.client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, { metadata: { name: 'paging' } });
    for (let i = 0; i < 7; i++) await cms.create('paging', configMap(`p-${i}`));
    const first = await cms.list('paging', { limit: 3 });
    assert.equal(first.items.length, 3);
    assert.ok(first.metadata.continue);
    await cms.create('paging', configMap('p-late'));
    await cms.delete('paging', 'p-5');
    const second = await cms.list('paging', { limit: 3, continue: first.metadata.continue });
    const third = await cms.list('paging', { limit: 3, continue: second.metadata.continue });
    assert.equal(third.metadata.continue, undefined);
    const names = [...first.items, ...second.items, ...third.items].map((i) => i.metadata.name);
    assert.deepEqual(names, ['p-0', 'p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6']);
    assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion);
  });

  it('bumps generation on spec changes only, and keeps status and spec on their own endpoints', async () => {
    const deployments = env.client.resource(deployRef);
    const spec = { replicas: 1, selector: { matchLabels: { app: 'g' } }, template: { metadata: { labels: { app: 'g' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } };
    const created = await deployments.create('default', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'gen' }, spec, status: { replicas: 99 } });
    assert.equal(created.metadata.generation, 1);
    assert.equal((created.status as { replicas?: number } | undefined)?.replicas, undefined, 'status is not settable on create');
    const labeled = await deployments.patch('default', 'gen', 'application/merge-patch+json', { metadata: { labels: { x: 'y' } } });
    assert.equal(labeled.metadata.generation, 1);
    const scaled = await deployments.patch('default', 'gen', 'application/merge-patch+json', { spec: { replicas: 2 }, status: { replicas: 5 } });
    assert.equal(scaled.metadata.generation, 2);
    assert.equal((scaled.status as { replicas?: number } | undefined)?.replicas, undefined, 'status is not written through the main resource');
    const withStatus = await deployments.updateStatus('default', { ...scaled, spec: { ...spec, replicas: 7 }, status: { replicas: 2, observedGeneration: 2 } });
    assert.equal((withStatus.spec as { replicas: number }).replicas, 2, 'spec is not written through status');
    assert.equal((withStatus.status as { replicas: number }).replicas, 2);
    assert.equal(withStatus.metadata.generation, 2);
  });

  it('keeps an object with finalizers until the last one is removed', async () => {
    await cms.create('default', { ...configMap('fin'), metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const marked = await cms.delete('default', 'fin');
    assert.ok(marked.metadata.deletionTimestamp, 'deletion is only marked');
    assert.ok((await cms.get('default', 'fin')).metadata.deletionTimestamp);
    await cms.patch('default', 'fin', 'application/merge-patch+json', { metadata: { finalizers: null } });
    await assert.rejects(cms.get('default', 'fin'), (e) => isApiError(e, 'NotFound'));
  });

  it('deletes an unscheduled pod at once and a scheduled one gracefully', async () => {
    const pods = env.client.resource(podRef);
    const pod = (name: string, nodeName?: string): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName, containers: [{ name: 'c', image: 'busybox' }] } });
    await pods.create('default', pod('unscheduled'));
    await pods.delete('default', 'unscheduled');
    await assert.rejects(pods.get('default', 'unscheduled'), (e) => isApiError(e, 'NotFound'));
    await pods.create('default', pod('bound', 'node-1'));
    const marked = await pods.delete('default', 'bound');
    assert.equal(marked.metadata.deletionGracePeriodSeconds, 30);
    assert.ok(marked.metadata.deletionTimestamp);
    await pods.delete('default', 'bound', { gracePeriodSeconds: 0 });
    await assert.rejects(pods.get('default', 'bound'), (e) => isApiError(e, 'NotFound'));
  });

  it('patches sent at once without a resourceVersion all apply: one that loses the race is retried, not refused', async () => {
    await cms.create('default', configMap('raced'));
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    await Promise.all(keys.map((key) => cms.patch('default', 'raced', 'application/merge-patch+json', { data: { [key]: key } })));
    assert.deepEqual(Object.keys((await cms.get('default', 'raced')).data as object).sort(), keys);
  });

  it("a scale patch without a resourceVersion applies while the object's status is written at the same time", async () => {
    const deployments = env.client.resource(deployRef);
    const labels = { app: 'scaled' };
    const created = await deployments.create('default', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'scaled' }, spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } } });
    await Promise.all([
      deployments.updateStatus('default', { ...created, status: { observedGeneration: 1 } }),
      deployments.patch('default', 'scaled', 'application/merge-patch+json', { spec: { replicas: 3 } }, 'scale'),
    ]);
    assert.equal(((await deployments.get('default', 'scaled')).spec as { replicas?: number } | undefined)?.replicas, 3);
  });

  it('a patch naming a stale resourceVersion is refused with 409', async () => {
    const created = await cms.create('default', configMap('pinned'));
    await cms.patch('default', 'pinned', 'application/merge-patch+json', { data: { first: '1' } });
    await assert.rejects(
      cms.patch('default', 'pinned', 'application/merge-patch+json', { metadata: { resourceVersion: created.metadata.resourceVersion }, data: { second: '2' } }),
      (e) => isApiError(e, 'Conflict'),
    );
    // A JSON patch names one by replacing it: a stale one is refused the same way, the current one applies.
    await assert.rejects(
      cms.patch('default', 'pinned', 'application/json-patch+json', [
        { op: 'replace', path: '/metadata/resourceVersion', value: created.metadata.resourceVersion },
        { op: 'add', path: '/data/third', value: '3' },
      ]),
      (e) => isApiError(e, 'Conflict'),
    );
    const current = await cms.get('default', 'pinned');
    const patched = await cms.patch('default', 'pinned', 'application/json-patch+json', [
      { op: 'replace', path: '/metadata/resourceVersion', value: current.metadata.resourceVersion },
      { op: 'add', path: '/data/third', value: '3' },
    ]);
    assert.deepEqual(patched.data, { first: '1', third: '3' });
  });

  it('dry run validates and answers without writing', async () => {
    const before = await env.store.currentRevision();
    const q = env.client.resource(cmRef);
    // The in-process client has no dryRun option; go through the dispatcher as an HTTP request would.
    const result = await env.api.dispatcher.handle({
      user: { name: 'admin', groups: ['system:masters'] },
      info: { isResourceRequest: true, path: '/api/v1/namespaces/default/configmaps', group: '', version: 'v1', namespace: 'default', resource: 'configmaps', name: '', subresource: '', verb: 'create' },
      query: new URLSearchParams('dryRun=All'),
      body: configMap('dry'),
    });
    assert.equal(result.type, 'object');
    assert.equal(await env.store.currentRevision(), before);
    await assert.rejects(q.get('default', 'dry'), (e) => isApiError(e, 'NotFound'));
  });
});

describe('defaulting before the strategy', () => {
  it('does not bump generation when an update sends back only what defaults fill in', async () => {
    const env = await startInProcessApi();
    try {
      const deployments = env.client.resource(deployRef);
      const spec = { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } };
      const created = await deployments.create('default', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec });
      const resent = await deployments.update('default', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', resourceVersion: created.metadata.resourceVersion }, spec });
      assert.equal(resent.metadata.generation, 1);
      assert.equal(resent.metadata.resourceVersion, created.metadata.resourceVersion, 'a no-op update writes nothing');
      const pod = await env.client.resource(podRef).create('default', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'qos' },
        spec: { containers: [{ name: 'c', image: 'busybox', resources: { limits: { cpu: '100m', memory: '64Mi' } } }] },
      });
      assert.equal((pod.status as { qosClass?: string }).qosClass, 'Guaranteed', 'limits default the requests, and QoS is computed after defaults');
    } finally {
      await env.close();
    }
  });
});

describe('deletecollection', () => {
  it('deletes what the selectors match and nothing else', async () => {
    const env = await startInProcessApi();
    try {
      const cms = env.client.resource(cmRef);
      await cms.create('default', configMap('keep', { tier: 'db' }));
      await cms.create('default', configMap('go-1', { tier: 'web' }));
      await cms.create('default', configMap('go-2', { tier: 'web' }));
      const result = await env.api.dispatcher.handle({
        user: { name: 'admin', groups: ['system:masters'] },
        info: { isResourceRequest: true, path: '/api/v1/namespaces/default/configmaps', group: '', version: 'v1', namespace: 'default', resource: 'configmaps', name: '', subresource: '', verb: 'deletecollection' },
        query: new URLSearchParams('labelSelector=tier%3Dweb'),
      });
      assert.equal(result.type, 'object');
      const left = (await cms.list('default')).items.map((i) => i.metadata.name);
      assert.deepEqual(left, ['keep']);
    } finally {
      await env.close();
    }
  });
});

describe('write options of the in-process client', () => {
  it('passes fieldValidation and dryRun as the query parameters of the same names', async () => {
    const env = await startInProcessApi();
    try {
      const cms = env.client.resource(cmRef);
      const withTypo = { ...configMap('typo'), datta: { a: '1' } } as KubeObject;
      await assert.rejects(cms.create('default', withTypo, { fieldValidation: 'Strict' }), (e) => isApiError(e, 'BadRequest') && /unknown field "datta"/.test(e.message));
      const dry = await cms.create('default', configMap('dry'), { dryRun: true });
      assert.equal(dry.metadata.name, 'dry');
      await assert.rejects(cms.get('default', 'dry'), (e) => isApiError(e, 'NotFound'));
    } finally {
      await env.close();
    }
  });
});
