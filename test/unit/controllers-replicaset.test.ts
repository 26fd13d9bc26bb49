// The ReplicaSet controller alone, against the real API server in process.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import type { Pod, ReplicaSet } from '../../main/controllers/shared/types.ts';
import { events, listPods, readyAll, resources, setPodStatus, settle, startHarness, until, type Harness } from './controllers-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness(['replicaset']);
});
afterEach(async () => h.close());

function replicaSet(name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, tier: 'web' } }, spec: { containers: [{ name: 'main', image: 'nginx' }] } },
      ...extra,
    },
  };
}

function pod(name: string, labels: Record<string, string>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { containers: [{ name: 'main', image: 'nginx' }] } };
}

async function getRS(name = 'web'): Promise<ReplicaSet> {
  return (await resources.replicaSets(h).get('default', name)) as ReplicaSet;
}

const ownedBy = (p: Pod, rs: ReplicaSet) => p.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid && r.controller);

describe('ReplicaSet controller', () => {
  it('creates exactly the pods asked for, once each, with SuccessfulCreate events', async () => {
    await resources.replicaSets(h).create('default', replicaSet('web', 5));
    await until('five pods', async () => (await listPods(h, 'default', { app: 'web' })).length === 5);
    await settle(300);
    assert.equal((await listPods(h, 'default', { app: 'web' })).length, 5);
    const created = (await events(h, 'default')).filter((e) => e.reason === 'SuccessfulCreate');
    assert.equal(created.length, 5);
    assert.ok(created.every((e) => /^Created pod: web-[a-z0-9]{5}$/.test(e.message)));
    const rs = await until('status', async () => {
      const x = await getRS();
      return x.status?.replicas === 5 && x;
    });
    assert.deepEqual(rs.status, { replicas: 5, fullyLabeledReplicas: 5, observedGeneration: 1 });
  });

  it('adopts a matching orphan and creates only the rest', async () => {
    await h.pods.create('default', pod('orphan', { app: 'web', tier: 'web' }));
    // Let the pod informer see it first: otherwise the controller may rightly create two and then delete one.
    await settle();
    await resources.replicaSets(h).create('default', replicaSet('web', 2));
    const rs = await getRS();
    const pods = await until('two pods', async () => {
      const found = await listPods(h, 'default', { app: 'web' });
      return found.length === 2 && found.every((p) => ownedBy(p, rs)) && found;
    });
    assert.ok(pods.some((p) => p.metadata.name === 'orphan'));
    // Events are written after the creations they report: wait for one, then make sure no second one follows.
    await until('the creation reported', async () => (await events(h, 'default')).some((e) => e.reason === 'SuccessfulCreate'));
    await settle();
    assert.equal((await events(h, 'default')).filter((e) => e.reason === 'SuccessfulCreate').length, 1);
  });

  it('releases a pod whose labels stop matching, and replaces it', async () => {
    await resources.replicaSets(h).create('default', replicaSet('web', 2));
    const [first] = await until('two pods', async () => {
      const found = await listPods(h, 'default', { app: 'web' });
      return found.length === 2 && found;
    });
    await h.pods.patch('default', first.metadata.name ?? '', 'application/merge-patch+json', { metadata: { labels: { app: 'debugging' } } });
    const released = await until('released', async () => {
      const p = await h.pods.get('default', first.metadata.name ?? '');
      return (p.metadata.ownerReferences ?? []).length === 0 && p;
    });
    assert.equal(released.metadata.labels?.app, 'debugging');
    await until('replaced', async () => (await listPods(h, 'default', { app: 'web' })).length === 2);
  });

  it('fullyLabeledReplicas counts pods with every template label', async () => {
    await h.pods.create('default', pod('partial', { app: 'web' }));
    await settle();
    await resources.replicaSets(h).create('default', replicaSet('web', 2));
    const rs = await until('status', async () => {
      const x = await getRS();
      return x.status?.replicas === 2 && x;
    });
    assert.equal(rs.status?.fullyLabeledReplicas, 1);
  });

  it('ready and available counts, availability after minReadySeconds', async () => {
    await resources.replicaSets(h).create('default', replicaSet('web', 2, { minReadySeconds: 5 }));
    await until('two pods', async () => (await listPods(h, 'default', { app: 'web' })).length === 2);
    await readyAll(h, 'default', { app: 'web' });
    const ready = await until('ready', async () => {
      const x = await getRS();
      return x.status?.readyReplicas === 2 && x;
    });
    assert.equal(ready.status?.availableReplicas, undefined);
    h.clock.advance(6_000);
    await until('available', async () => (await getRS()).status?.availableReplicas === 2);
  });

  it('scaling down deletes not-ready pods before ready ones', async () => {
    await resources.replicaSets(h).create('default', replicaSet('web', 3));
    const pods = await until('three pods', async () => {
      const found = await listPods(h, 'default', { app: 'web' });
      return found.length === 3 && found;
    });
    await setPodStatus(h, pods[0], true);
    await setPodStatus(h, pods[1], false);
    await setPodStatus(h, pods[2], true);
    await until('statuses seen', async () => (await getRS()).status?.readyReplicas === 2);
    await resources.replicaSets(h).patch('default', 'web', 'application/merge-patch+json', { spec: { replicas: 2 } });
    await until('one deleted', async () => (await listPods(h, 'default', { app: 'web' })).length === 2);
    const left = (await listPods(h, 'default', { app: 'web' })).map((p) => p.metadata.name).sort();
    assert.deepEqual(left, [pods[0].metadata.name, pods[2].metadata.name].sort());
    await until('the deletion reported', async () => (await events(h, 'default')).some((e) => e.reason === 'SuccessfulDelete' && e.message === `Deleted pod: ${pods[1].metadata.name}`));
  });

  it('replaces a pod that is deleted', async () => {
    await resources.replicaSets(h).create('default', replicaSet('web', 2));
    const [first] = await until('two pods', async () => {
      const found = await listPods(h, 'default', { app: 'web' });
      return found.length === 2 && found;
    });
    await h.pods.delete('default', first.metadata.name ?? '');
    await until('replaced', async () => {
      const found = await listPods(h, 'default', { app: 'web' });
      return found.length === 2 && !found.some((p) => p.metadata.name === first.metadata.name);
    });
    assert.deepEqual(h.errors, []);
  });
});
