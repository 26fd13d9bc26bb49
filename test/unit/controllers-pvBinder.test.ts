// The persistentvolume-binder, the local-path provisioner and the protection
// controllers on the fake clock: binding both ways, phases, events,
// provisioning for a node, reclaim, and finalizers held while in use.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { events, startHarness, until, type Harness } from './controllers-harness.ts';
import type { ResourceClient } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { standardStorageClass } from '../../main/controllers/volume/localPath.ts';
import type { PersistentVolume, PersistentVolumeClaim } from '../../main/controllers/volume/volumeTypes.ts';

const claim = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});
const volume = (name: string, storage: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { capacity: { storage }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/data/${name}` }, storageClassName: '', ...extra },
});

describe('persistentvolume-binder and friends', () => {
  let h: Harness;
  let pvs: ResourceClient<PersistentVolume>;
  let pvcs: ResourceClient<PersistentVolumeClaim>;
  const storage: string[] = [];
  before(async () => {
    h = await startHarness(['persistentvolume-binder', 'pvc-protection', 'pv-protection', 'local-path-provisioner', 'persistentvolume-expander'], {
      localPathStorage: {
        create: async (name, node) => void storage.push(`create ${name} on ${node}`),
        remove: async (name, node) => void storage.push(`remove ${name} on ${node}`),
      },
    });
    pvs = h.client.resource({ group: '', version: 'v1', plural: 'persistentvolumes' });
    pvcs = h.client.resource({ group: '', version: 'v1', plural: 'persistentvolumeclaims' });
  });
  after(async () => h.close());

  it('binds a class-less claim to the smallest volume that fits, both ways, with the annotations', async () => {
    await pvs.create(undefined, volume('big', '10Gi'));
    await pvs.create(undefined, volume('small', '2Gi'));
    await pvs.create(undefined, volume('tiny', '500Mi'));
    await pvcs.create('default', claim('data', { storageClassName: '' }));
    const bound = await until('claim Bound', async () => {
      const c = await pvcs.get('default', 'data');
      return c.status?.phase === 'Bound' ? c : undefined;
    });
    assert.equal(bound.spec?.volumeName, 'small');
    assert.equal(bound.status?.capacity?.storage, '2Gi');
    assert.deepEqual(bound.status?.accessModes, ['ReadWriteOnce']);
    assert.equal(bound.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(bound.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
    const pv = await until('volume Bound', async () => {
      const v = await pvs.get(undefined, 'small');
      return v.status?.phase === 'Bound' ? v : undefined;
    });
    assert.equal(pv.spec?.claimRef?.name, 'data');
    assert.equal(pv.spec?.claimRef?.uid, bound.metadata.uid);
    assert.equal((await pvs.get(undefined, 'big')).status?.phase, 'Available');
  });

  it('a bound volume keeps its pv-protection finalizer; once it is gone anyway its claim is Lost', async () => {
    await pvs.create(undefined, volume('doomed', '3Gi'));
    await pvcs.create('default', claim('victim', { storageClassName: '', volumeName: 'doomed' }));
    await until('victim Bound', async () => (await pvcs.get('default', 'victim')).status?.phase === 'Bound');
    await pvs.delete(undefined, 'doomed');
    for (let i = 0; i < 200; i++) await new Promise((r) => setImmediate(r));
    assert.deepEqual((await pvs.get(undefined, 'doomed')).metadata.finalizers, ['kubernetes.io/pv-protection'], 'held while Bound');
    await pvs.patch(undefined, 'doomed', 'application/merge-patch+json', { metadata: { finalizers: null } });
    const lost = await until('victim Lost', async () => {
      const c = await pvcs.get('default', 'victim');
      return c.status?.phase === 'Lost' ? c : undefined;
    });
    assert.equal(lost.metadata.annotations?.['pv.kubernetes.io/bound-by-controller'], undefined, 'the user named the volume');
    const event = (await events(h, 'default')).find((e) => e.reason === 'ClaimLost' && e.involvedObject.name === 'victim');
    assert.equal(event?.message, 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
  });

  it('a claim nothing fits and no class says so with FailedBinding and stays Pending', async () => {
    await pvcs.create('default', claim('huge', { storageClassName: '', resources: { requests: { storage: '100Gi' } } }));
    const event = await until('FailedBinding', async () => (await events(h, 'default')).find((e) => e.reason === 'FailedBinding' && e.involvedObject.name === 'huge'));
    assert.equal(event.message, 'no persistent volumes available for this claim and no storage class is set');
    assert.equal((await pvcs.get('default', 'huge')).status?.phase, 'Pending');
  });

  it('a deleted claim releases its Retain volume; deletion waits for pods using the claim', async () => {
    const pod = await h.pods.create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'user' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] },
    } as never);
    await pvcs.delete('default', 'data');
    // Still there, Terminating, held by the pvc-protection finalizer while the pod lives.
    for (let i = 0; i < 200; i++) await new Promise((r) => setImmediate(r));
    const held = await pvcs.get('default', 'data');
    assert.ok(held.metadata.deletionTimestamp);
    assert.deepEqual(held.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    await h.pods.delete('default', pod.metadata.name ?? '', { gracePeriodSeconds: 0 });
    await until('claim gone', async () => (await pvcs.list('default')).items.every((c) => c.metadata.name !== 'data'));
    const released = await until('volume Released', async () => {
      const v = await pvs.get(undefined, 'small');
      return v.status?.phase === 'Released' ? v : undefined;
    });
    assert.equal(released.spec?.persistentVolumeReclaimPolicy, 'Retain');
  });

  it('waits for the first consumer, then provisions a local-path volume on the selected node and binds it', async () => {
    await h.client.resource({ group: 'storage.k8s.io', version: 'v1', plural: 'storageclasses' }).create(undefined, standardStorageClass());
    await pvcs.create('default', claim('web'));
    const waiting = await until('WaitForFirstConsumer', async () => (await events(h, 'default')).find((e) => e.reason === 'WaitForFirstConsumer' && e.involvedObject.name === 'web'));
    assert.equal(waiting.message, 'waiting for first consumer to be created before binding');
    const pending = await pvcs.get('default', 'web');
    assert.equal(pending.spec?.storageClassName, 'standard');
    // The scheduler's VolumeBinding step picks the node.
    await pvcs.patch('default', 'web', 'application/merge-patch+json', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'node-1' } } });
    const bound = await until('claim Bound', async () => {
      const c = await pvcs.get('default', 'web');
      return c.status?.phase === 'Bound' ? c : undefined;
    });
    const pvName = `pvc-${bound.metadata.uid}`;
    assert.equal(bound.spec?.volumeName, pvName);
    assert.equal(bound.metadata.annotations?.['volume.kubernetes.io/storage-provisioner'], 'rancher.io/local-path');
    const pv = await pvs.get(undefined, pvName);
    assert.equal(pv.spec?.persistentVolumeReclaimPolicy, 'Delete');
    assert.equal(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'], 'rancher.io/local-path');
    assert.deepEqual(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values, ['node-1']);
    assert.deepEqual(storage, [`create podlab-${pvName} on node-1`]);
    const reasons = (await events(h, 'default')).filter((e) => e.involvedObject.name === 'web').map((e) => e.reason);
    for (const reason of ['ExternalProvisioning', 'Provisioning', 'ProvisioningSucceeded']) assert.ok(reasons.includes(reason), `${reason} in ${reasons.join(',')}`);

    // Deleting the claim releases the volume; Delete removes its storage and the PV object (pv-protection lets go once not Bound).
    await pvcs.delete('default', 'web');
    await until('PV deleted', async () => (await pvs.list()).items.every((v) => v.metadata.name !== pvName));
    assert.deepEqual(storage.slice(1), [`remove podlab-${pvName} on node-1`]);
    assert.deepEqual(h.errors, []);
  });

  it('grows a bound local-path claim in a class that allows it, and leaves other volumes to their own resizer', async () => {
    await h.client.resource({ group: 'storage.k8s.io', version: 'v1', plural: 'storageclasses' }).create(undefined, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'growable' }, provisioner: 'rancher.io/local-path', allowVolumeExpansion: true, volumeBindingMode: 'Immediate' } as KubeObject);
    const localPath = { storageClassName: 'growable' };
    await pvs.create(undefined, { ...volume('grow-lp', '1Gi', localPath), metadata: { name: 'grow-lp', annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } } } as KubeObject);
    await pvs.create(undefined, volume('grow-static', '1Gi', localPath));
    await pvcs.create('default', claim('grow-a', { storageClassName: 'growable', volumeName: 'grow-lp' }));
    await pvcs.create('default', claim('grow-b', { storageClassName: 'growable', volumeName: 'grow-static' }));
    for (const name of ['grow-a', 'grow-b']) await until(`${name} Bound`, async () => ((await pvcs.get('default', name)).status?.phase === 'Bound' ? true : undefined));
    for (const name of ['grow-a', 'grow-b']) await pvcs.patch('default', name, 'application/merge-patch+json', { spec: { resources: { requests: { storage: '5Gi' } } } });
    const grown = await until('grow-a at 5Gi', async () => {
      const c = await pvcs.get('default', 'grow-a');
      return c.status?.capacity?.storage === '5Gi' ? c : undefined;
    });
    assert.equal(grown.status?.allocatedResources?.storage, '5Gi');
    assert.equal((await pvs.get(undefined, 'grow-lp')).spec?.capacity?.storage, '5Gi');
    const said = await until('the events', async () => {
      const all = (await events(h, 'default')).filter((e) => ['grow-a', 'grow-b'].includes(e.involvedObject.name ?? ''));
      return all.some((e) => e.reason === 'VolumeResizeSuccessful') && all.some((e) => e.reason === 'ExternalExpanding') ? all : undefined;
    });
    assert.deepEqual(said.filter((e) => e.involvedObject.name === 'grow-b').map((e) => `${e.reason}: ${e.message}`), ['ExternalExpanding: waiting for an external controller to expand this PVC']);
    assert.equal((await pvcs.get('default', 'grow-b')).status?.capacity?.storage, '1Gi');
  });
});
