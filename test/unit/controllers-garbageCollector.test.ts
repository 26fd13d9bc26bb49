// Cascading deletion through the garbage collector, with the Deployment and
// ReplicaSet controllers making the dependents, against the real API server.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isApiError, type ResourceClient } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { bindAll, deployment, finishTerminating, listPods, resources, settle, startHarness, until, type Harness } from './controllers-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness(['deployment', 'replicaset', 'garbagecollector']);
});
afterEach(async () => h.close());

async function exists(client: ResourceClient, name: string): Promise<KubeObject | undefined> {
  try {
    return await client.get('default', name);
  } catch (err) {
    if (isApiError(err, 'NotFound')) return undefined;
    throw err;
  }
}

async function deployWeb(replicas = 2): Promise<void> {
  await resources.deployments(h).create('default', deployment('web', replicas, 'nginx:1'));
  await until('the pods', async () => (await listPods(h, 'default', { app: 'web' })).length === replicas);
}

describe('garbage collector', () => {
  it('Background: the Deployment goes at once, its ReplicaSet and pods after it', async () => {
    await deployWeb();
    await resources.deployments(h).delete('default', 'web', { propagationPolicy: 'Background' });
    assert.equal(await exists(resources.deployments(h), 'web'), undefined);
    await until('ReplicaSets and pods collected', async () => (await resources.replicaSets(h).list('default')).items.length === 0 && (await listPods(h, 'default', { app: 'web' })).length === 0);
  });

  it('Foreground: the Deployment stays, with its finalizer, until every dependent is gone', async () => {
    await deployWeb();
    // Scheduled pods terminate gracefully: they stay until their kubelet is done with them.
    await bindAll(h, 'default', { app: 'web' });
    const marked = await resources.deployments(h).delete('default', 'web', { propagationPolicy: 'Foreground' });
    assert.deepEqual(marked.metadata.finalizers, ['foregroundDeletion']);
    await until('pods terminating', async () => {
      const pods = await listPods(h, 'default', { app: 'web' });
      return pods.length === 2 && pods.every((p) => p.metadata.deletionTimestamp);
    });
    await settle();
    const waiting = await exists(resources.deployments(h), 'web');
    assert.ok(waiting?.metadata.deletionTimestamp, 'the Deployment waits for its pods');
    const [rs] = (await resources.replicaSets(h).list('default')).items;
    assert.deepEqual(rs?.metadata.finalizers, ['foregroundDeletion'], 'the ReplicaSet is deleted in the foreground too');
    await finishTerminating(h, 'default', { app: 'web' });
    await until('all gone', async () => !(await exists(resources.deployments(h), 'web')) && (await resources.replicaSets(h).list('default')).items.length === 0);
  });

  it('Orphan: the Deployment goes, its ReplicaSet stays without an owner, and so do the pods', async () => {
    await deployWeb();
    const marked = await resources.deployments(h).delete('default', 'web', { propagationPolicy: 'Orphan' });
    assert.deepEqual(marked.metadata.finalizers, ['orphan']);
    await until('the Deployment gone', async () => !(await exists(resources.deployments(h), 'web')));
    await settle();
    const [rs] = (await resources.replicaSets(h).list('default')).items;
    assert.ok(rs, 'the ReplicaSet stays');
    assert.deepEqual(rs.metadata.ownerReferences ?? [], []);
    const pods = await listPods(h, 'default', { app: 'web' });
    assert.equal(pods.length, 2);
    assert.ok(pods.every((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid), 'pods keep their ReplicaSet');
  });

  it('collects a dependent whose owner never existed, and keeps one with a live owner', async () => {
    const configMaps = h.client.resource({ group: '', version: 'v1', plural: 'configmaps' });
    const owner = await configMaps.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owner' } });
    const ref = (name: string, uid: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid });
    await configMaps.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept', ownerReferences: [ref('owner', owner.metadata.uid ?? '')] } });
    await configMaps.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dangling', ownerReferences: [ref('ghost', 'no-such-uid')] } });
    await until('the dangling one collected', async () => !(await exists(configMaps, 'dangling')));
    assert.ok(await exists(configMaps, 'kept'));
    await configMaps.delete('default', 'owner');
    await until('the dependent follows its owner', async () => !(await exists(configMaps, 'kept')));
    assert.deepEqual(h.errors, []);
  });

  it('drops the reference to a gone owner but keeps the object while another owner lives', async () => {
    const configMaps = h.client.resource({ group: '', version: 'v1', plural: 'configmaps' });
    const a = await configMaps.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    const b = await configMaps.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    const refs = [a, b].map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name ?? '', uid: o.metadata.uid ?? '' }));
    await configMaps.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'shared', ownerReferences: refs } });
    await settle();
    await configMaps.delete('default', 'a');
    const shared = await until('the reference to a removed', async () => {
      const obj = await exists(configMaps, 'shared');
      return obj?.metadata.ownerReferences?.length === 1 && obj;
    });
    assert.equal(shared.metadata.ownerReferences?.[0]?.name, 'b');
  });
});
