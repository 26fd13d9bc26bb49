// NamespaceLifecycle, through the API server: nothing is created in a namespace
// that does not exist or is being deleted, whether the namespace is known from
// memory (the check answers at once) or has to be read; the system namespaces
// cannot be deleted.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

describe('NamespaceLifecycle admission', () => {
  let api: InProcessApi;
  before(async () => {
    api = await startInProcessApi();
  });
  after(async () => {
    await api.close();
  });

  const configMap = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } }) as KubeObject;
  const configMaps = () => api.client.resource({ group: '', version: 'v1', plural: 'configmaps' });
  const namespaces = () => api.client.resource({ group: '', version: 'v1', plural: 'namespaces' });

  it('refuses a create in a namespace that does not exist, before and after the namespaces were listed', async () => {
    await assert.rejects(configMaps().create('nowhere', configMap('nowhere', 'a')), (e) => isApiError(e, 'NotFound') && e.message === 'namespaces "nowhere" not found');
    await namespaces().list();
    await assert.rejects(configMaps().create('nowhere', configMap('nowhere', 'b')), (e) => isApiError(e, 'NotFound') && e.message === 'namespaces "nowhere" not found');
  });

  it('admits a create in a namespace made a moment before', async () => {
    await namespaces().create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'fresh' } });
    const created = await configMaps().create('fresh', configMap('fresh', 'a'));
    assert.equal(created.metadata.namespace, 'fresh');
  });

  it('refuses a create in a namespace being deleted, with Kubernetes\' words', async () => {
    // A finalizer holds it once deleted (no namespace controller runs here to empty it).
    await namespaces().create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'leaving', finalizers: ['example.com/hold'] } });
    await namespaces().delete(undefined, 'leaving');
    await assert.rejects(
      configMaps().create('leaving', configMap('leaving', 'late')),
      (e) => isApiError(e, 'Forbidden') && e.message === 'configmaps "late" is forbidden: unable to create new content in namespace leaving because it is being terminated',
    );
  });

  it('refuses to delete a system namespace', async () => {
    await assert.rejects(namespaces().delete(undefined, 'kube-system'), (e) => isApiError(e, 'Forbidden') && /this namespace may not be deleted/.test(e.message));
  });
});
