// DELETE with a propagationPolicy (what `kubectl delete --cascade=...` sends):
// the API server marks the object with the garbage collector's finalizer
// instead of deleting it, as deletionFinalizersForGarbageCollection does.
// No controller runs here: only the API's part.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isApiError, type ResourceClient } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { deletionFinalizers } from '../../main/apiserver/registry/registry.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

describe('deletionFinalizers', () => {
  it('adds the finalizer the policy asks for, keeping others', () => {
    assert.deepEqual(deletionFinalizers(undefined, 'Orphan'), ['orphan']);
    assert.deepEqual(deletionFinalizers(['example.com/x'], 'Foreground'), ['example.com/x', 'foregroundDeletion']);
  });

  it('Background (or no policy) adds nothing', () => {
    assert.equal(deletionFinalizers(undefined, 'Background'), undefined);
    assert.equal(deletionFinalizers(undefined, undefined), undefined);
    const existing = ['example.com/x'];
    assert.equal(deletionFinalizers(existing, 'Background'), existing);
  });

  it('an explicit policy replaces the other garbage collector finalizer', () => {
    assert.deepEqual(deletionFinalizers(['orphan'], 'Foreground'), ['foregroundDeletion']);
    assert.equal(deletionFinalizers(['foregroundDeletion'], 'Background'), undefined);
  });

  it('without a policy, a finalizer the object carries decides', () => {
    const orphaning = ['orphan'];
    assert.equal(deletionFinalizers(orphaning, undefined), orphaning);
    const foreground = ['foregroundDeletion'];
    assert.equal(deletionFinalizers(foreground, undefined), foreground);
  });
});

describe('DELETE with propagationPolicy', () => {
  let api: InProcessApi;
  let configMaps: ResourceClient;
  let pods: ResourceClient;

  before(async () => {
    api = await startInProcessApi();
    configMaps = api.client.resource({ group: '', version: 'v1', plural: 'configmaps' });
    pods = api.client.resource({ group: '', version: 'v1', plural: 'pods' });
  });
  after(async () => api.close());

  const configMap = (name: string, finalizers?: string[]): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(finalizers ? { finalizers } : {}) } });

  async function gone(name: string): Promise<boolean> {
    try {
      await configMaps.get('default', name);
      return false;
    } catch (err) {
      return isApiError(err, 'NotFound');
    }
  }

  it('Orphan marks the object with the orphan finalizer and a zero grace period', async () => {
    await configMaps.create('default', configMap('orphaned'));
    const marked = await configMaps.delete('default', 'orphaned', { propagationPolicy: 'Orphan' });
    assert.deepEqual(marked.metadata.finalizers, ['orphan']);
    assert.ok(marked.metadata.deletionTimestamp);
    assert.equal(marked.metadata.deletionGracePeriodSeconds, 0);
    assert.equal(await gone('orphaned'), false);
  });

  it('Foreground marks it with foregroundDeletion; removing the finalizer deletes it', async () => {
    await configMaps.create('default', configMap('foreground'));
    const marked = await configMaps.delete('default', 'foreground', { propagationPolicy: 'Foreground' });
    assert.deepEqual(marked.metadata.finalizers, ['foregroundDeletion']);
    await configMaps.patch('default', 'foreground', 'application/merge-patch+json', { metadata: { finalizers: null } });
    assert.equal(await gone('foreground'), true);
  });

  it('Background and no policy delete at once', async () => {
    await configMaps.create('default', configMap('background'));
    await configMaps.delete('default', 'background', { propagationPolicy: 'Background' });
    assert.equal(await gone('background'), true);
    await configMaps.create('default', configMap('plain'));
    await configMaps.delete('default', 'plain');
    assert.equal(await gone('plain'), true);
  });

  it('Background on an object created with the orphan finalizer drops it and deletes', async () => {
    await configMaps.create('default', configMap('was-orphaning', ['orphan']));
    await configMaps.delete('default', 'was-orphaning', { propagationPolicy: 'Background' });
    assert.equal(await gone('was-orphaning'), true);
  });

  it('a later delete does not change the finalizers of a deletion in progress', async () => {
    await configMaps.create('default', configMap('twice'));
    await configMaps.delete('default', 'twice', { propagationPolicy: 'Foreground' });
    const again = await configMaps.delete('default', 'twice', { propagationPolicy: 'Orphan' });
    assert.deepEqual(again.metadata.finalizers, ['foregroundDeletion']);
  });

  it('a pod deletion gains the finalizer too', async () => {
    await pods.create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const marked = await pods.delete('default', 'p', { propagationPolicy: 'Foreground' });
    assert.deepEqual(marked.metadata.finalizers, ['foregroundDeletion']);
    // Unscheduled pods get no grace period.
    assert.equal(marked.metadata.deletionGracePeriodSeconds, 0);
  });

  it('an unknown policy is refused as Kubernetes refuses it', async () => {
    await configMaps.create('default', configMap('bad-policy'));
    await assert.rejects(configMaps.delete('default', 'bad-policy', { propagationPolicy: 'Sideways' as never }), (err: unknown) => {
      assert.ok(isApiError(err, 'Invalid'));
      assert.match(err.message, /propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"/);
      return true;
    });
    assert.equal(await gone('bad-policy'), false);
  });
});
