// The storage kinds through the in-process API server: defaults, validation
// messages, admission (default class, protection finalizers, resize) and the
// printer rows, as Kubernetes 1.32 gives them.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';
import { persistentvolumes } from '../../main/apiserver/resources/persistentvolumes.ts';
import { persistentvolumeclaims } from '../../main/apiserver/resources/persistentvolumeclaims.ts';
import { storageclasses } from '../../main/apiserver/resources/storageclasses.ts';
import { isApiError, type ResourceClient } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';

const pv = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/tmp/${name}` }, ...extra },
});
const pvc = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});

async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isApiError(err)) return err.message;
    throw err;
  }
  assert.fail('the write was accepted');
}

describe('storage API kinds', () => {
  let api: InProcessApi;
  let pvs: ResourceClient;
  let pvcs: ResourceClient;
  let classes: ResourceClient;
  before(async () => {
    api = await startInProcessApi();
    pvs = api.client.resource({ group: '', version: 'v1', plural: 'persistentvolumes' });
    pvcs = api.client.resource({ group: '', version: 'v1', plural: 'persistentvolumeclaims' });
    classes = api.client.resource({ group: 'storage.k8s.io', version: 'v1', plural: 'storageclasses' });
  });
  after(async () => api.close());

  it('a PersistentVolume defaults to Retain and Filesystem, starts Pending and gets the pv-protection finalizer', async () => {
    const created = await pvs.create(undefined, pv('pv-a'));
    const spec = created.spec as Record<string, unknown>;
    assert.equal(spec.persistentVolumeReclaimPolicy, 'Retain');
    assert.equal(spec.volumeMode, 'Filesystem');
    assert.deepEqual(created.status, { phase: 'Pending' });
    assert.deepEqual(created.metadata.finalizers, ['kubernetes.io/pv-protection']);
  });

  it('a PersistentVolume needs capacity, access modes and exactly one source', async () => {
    const message = await rejection(pvs.create(undefined, { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'bad' }, spec: {} }));
    assert.match(message, /spec.accessModes: Required value/);
    assert.match(message, /spec.capacity: Required value/);
    assert.match(message, /spec: Required value: must specify a volume type/);
    const two = await rejection(pvs.create(undefined, pv('two', { nfs: { server: 'x', path: '/' }, accessModes: ['ReadWriteSometimes'] })));
    assert.match(two, /spec.nfs: Forbidden: may not specify more than 1 volume type/);
    assert.match(two, /spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"/);
  });

  it('a claim needs access modes and a storage request', async () => {
    const message = await rejection(pvcs.create('default', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'bad' }, spec: {} }));
    assert.match(message, /spec.accessModes: Required value: at least 1 access mode is required/);
    assert.match(message, /spec.resources\[storage\]: Required value/);
  });

  it('a claim without a class gets the default class; "" stays without one; both get pvc-protection', async () => {
    await classes.create(undefined, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }, provisioner: 'example.com/fast' });
    const defaulted = await pvcs.create('default', pvc('defaulted'));
    assert.equal((defaulted.spec as { storageClassName?: string }).storageClassName, 'fast');
    assert.deepEqual(defaulted.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    assert.deepEqual(defaulted.status, { phase: 'Pending' });
    const classless = await pvcs.create('default', pvc('classless', { storageClassName: '' }));
    assert.equal((classless.spec as { storageClassName?: string }).storageClassName, '');
  });

  it('a StorageClass defaults Delete and Immediate, and its provisioner, parameters and policies are immutable', async () => {
    const sc = await classes.get(undefined, 'fast');
    assert.equal(sc.reclaimPolicy, 'Delete');
    assert.equal(sc.volumeBindingMode, 'Immediate');
    const message = await rejection(classes.update(undefined, { ...sc, provisioner: 'example.com/other', reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer', parameters: { a: 'b' } }));
    assert.match(message, /provisioner: Forbidden: updates to provisioner are forbidden./);
    assert.match(message, /parameters: Forbidden: updates to parameters are forbidden./);
    assert.match(message, /reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden./);
    assert.match(message, /volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable/);
    assert.match(await rejection(classes.create(undefined, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'none' } })), /provisioner: Required value/);
  });

  it('a claim spec is immutable but for a bound claim growing, which its class must allow', async () => {
    const claim = await pvcs.get('default', 'defaulted');
    const spec = claim.spec as { accessModes: string[]; resources: { requests: Record<string, string> } };
    assert.match(
      await rejection(pvcs.update('default', { ...claim, spec: { ...spec, accessModes: ['ReadWriteMany'] } })),
      /spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims/,
    );
    const bound = await pvcs.updateStatus('default', { ...claim, status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } });
    const grow = { ...bound, spec: { ...spec, resources: { requests: { storage: '2Gi' } } } };
    assert.match(await rejection(pvcs.update('default', grow)), /is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize/);
    assert.match(await rejection(pvcs.update('default', { ...bound, spec: { ...spec, resources: { requests: { storage: '500Mi' } } } })), /spec.resources.requests.storage: Forbidden: field can not be less than previous value/);
    const expandable = await classes.get(undefined, 'fast');
    await classes.update(undefined, { ...expandable, allowVolumeExpansion: true });
    const grown = await pvcs.update('default', grow);
    assert.equal((grown.spec as typeof spec).resources.requests.storage, '2Gi');
  });

  it('prints the columns of printers.go', async () => {
    const now = new Date();
    const volume = await pvs.get(undefined, 'pv-a');
    const pvColumns = persistentvolumes.strategy.table!.columns.map((c) => c.name);
    assert.deepEqual(pvColumns, ['Name', 'Capacity', 'Access Modes', 'Reclaim Policy', 'Status', 'Claim', 'StorageClass', 'VolumeAttributesClass', 'Reason', 'Age', 'VolumeMode']);
    assert.deepEqual(persistentvolumes.strategy.table!.row(volume, now).slice(0, 9), ['pv-a', '1Gi', 'RWO', 'Retain', 'Pending', '', '', '<unset>', '']);
    const claimColumns = persistentvolumeclaims.strategy.table!.columns.map((c) => c.name);
    assert.deepEqual(claimColumns, ['Name', 'Status', 'Volume', 'Capacity', 'Access Modes', 'StorageClass', 'VolumeAttributesClass', 'Age', 'VolumeMode']);
    const claim = await pvcs.get('default', 'classless');
    assert.deepEqual(persistentvolumeclaims.strategy.table!.row(claim, now).slice(0, 7), ['classless', 'Pending', '', '', '', '', '<unset>']);
    const sc = await classes.get(undefined, 'fast');
    assert.deepEqual(storageclasses.strategy.table!.row(sc, now).slice(0, 5), ['fast (default)', 'example.com/fast', 'Delete', 'Immediate', true]);
  });
});
