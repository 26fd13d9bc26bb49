// Namespace deletion and the default ServiceAccount, with the workload
// controllers and the garbage collector running, against the real API server.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { isApiError } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import type { NamespaceCondition } from '../../main/controllers/namespace/namespaceConditions.ts';
import { bindAll, deployment, finishTerminating, listPods, resources, settle, startHarness, until, type Harness } from './controllers-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const namespaces = () => h.client.resource({ group: '', version: 'v1', plural: 'namespaces' });
const serviceAccounts = () => h.client.resource({ group: '', version: 'v1', plural: 'serviceaccounts' });
const configMaps = () => h.client.resource({ group: '', version: 'v1', plural: 'configmaps' });

async function namespace(name: string): Promise<KubeObject | undefined> {
  try {
    return await namespaces().get(undefined, name);
  } catch (err) {
    if (isApiError(err, 'NotFound')) return undefined;
    throw err;
  }
}

async function createNamespace(name: string): Promise<void> {
  await namespaces().create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  // The controller holds every namespace it may have to empty.
  await until('the namespace finalizer', async () => (await namespace(name))?.metadata.finalizers?.includes('kubernetes'));
}

const phase = (ns: KubeObject | undefined) => (ns?.status as { phase?: string } | undefined)?.phase;
const conditions = (ns: KubeObject | undefined) => Object.fromEntries(((ns?.status as { conditions?: NamespaceCondition[] }).conditions ?? []).map((c) => [c.type, c]));

describe('namespace controller', () => {
  it('deleting a namespace deletes everything in it, then the namespace', async () => {
    await createNamespace('demo');
    const web = deployment('web', 2, 'nginx:1');
    web.metadata.namespace = 'demo';
    await resources.deployments(h).create('demo', web);
    await configMaps().create('demo', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    await until('pods', async () => (await listPods(h, 'demo', { app: 'web' })).length === 2);
    await namespaces().delete(undefined, 'demo');
    await until('namespace gone', async () => !(await namespace('demo')));
    assert.equal((await h.pods.list('demo')).items.length, 0);
    assert.equal((await resources.deployments(h).list('demo')).items.length, 0);
    assert.equal((await configMaps().list('demo')).items.length, 0);
    assert.equal((await serviceAccounts().list('demo')).items.length, 0);
  });

  it('shows Terminating and why it waits while pods finish', async () => {
    await createNamespace('slow');
    const web = deployment('web', 1, 'nginx:1');
    web.metadata.namespace = 'slow';
    await resources.deployments(h).create('slow', web);
    await until('a pod', async () => (await listPods(h, 'slow', { app: 'web' })).length === 1);
    await bindAll(h, 'slow', { app: 'web' });
    await namespaces().delete(undefined, 'slow');
    const terminating = await until('waiting for the pod', async () => {
      const ns = await namespace('slow');
      return conditions(ns).NamespaceContentRemaining?.status === 'True' && ns;
    });
    assert.equal(phase(terminating), 'Terminating');
    const byType = conditions(terminating);
    assert.equal(byType.NamespaceContentRemaining.reason, 'SomeResourcesRemain');
    assert.equal(byType.NamespaceContentRemaining.message, 'Some resources are remaining: pods. has 1 resource instances');
    assert.deepEqual([byType.NamespaceDeletionContentFailure.status, byType.NamespaceDeletionContentFailure.reason], ['False', 'ContentDeleted']);
    assert.deepEqual([byType.NamespaceDeletionDiscoveryFailure.status, byType.NamespaceDeletionDiscoveryFailure.reason], ['False', 'ResourcesDiscovered']);
    // Nothing new may be created while it terminates.
    await assert.rejects(configMaps().create('slow', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } }), (err: unknown) => isApiError(err, 'Forbidden'));
    await finishTerminating(h, 'slow', { app: 'web' });
    await until('namespace gone', async () => !(await namespace('slow')));
  });

  it('waits for objects held by finalizers, and says which', async () => {
    await createNamespace('held');
    await configMaps().create('held', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pinned', finalizers: ['example.com/keep'] } });
    await namespaces().delete(undefined, 'held');
    const ns = await until('finalizer reported', async () => {
      const x = await namespace('held');
      return conditions(x).NamespaceFinalizersRemaining?.status === 'True' && x;
    });
    assert.equal(conditions(ns).NamespaceFinalizersRemaining.message, 'Some content in the namespace has finalizers remaining: example.com/keep in 1 resource instances');
    assert.equal(conditions(ns).NamespaceFinalizersRemaining.reason, 'SomeFinalizersRemain');
    await configMaps().patch('held', 'pinned', 'application/merge-patch+json', { metadata: { finalizers: null } });
    // The object going is the cue to look again (no need to wait out the 15 s estimate).
    await until('namespace gone', async () => !(await namespace('held')));
  });

  it('the system namespaces get no finalizer and cannot be deleted', async () => {
    await settle();
    assert.equal((await namespace('default'))?.metadata.finalizers, undefined);
    await assert.rejects(namespaces().delete(undefined, 'kube-system'), (err: unknown) => isApiError(err, 'Forbidden'));
  });
});

describe('service account controller', () => {
  it('every active namespace has a default ServiceAccount, made again when deleted', async () => {
    await until('in default', async () => !!(await serviceAccounts().get('default', 'default').catch(() => undefined)));
    await createNamespace('team');
    const first = await until('in a new namespace', async () => serviceAccounts().get('team', 'default').catch(() => undefined));
    await serviceAccounts().delete('team', 'default');
    const again = await until('made again', async () => {
      const sa = await serviceAccounts().get('team', 'default').catch(() => undefined);
      return sa && sa.metadata.uid !== first.metadata.uid && sa;
    });
    assert.equal(again.metadata.name, 'default');
  });
});
