// The pod Overview's and the storage tables' account of claims: each
// volume's kind and mounts, the claim → volume → data location chain, and
// why a claim is not Bound, from objects shaped as the PV controller, the
// local-path provisioner and the API server write them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localPathVolumeName, standardStorageClass } from '../../main/controllers/volume/localPath.ts';
import type { EventView } from '../../main/insight/podView.ts';
import { claimChain } from '../../renderer/storage/claimChain.ts';
import { claimProblem } from '../../renderer/storage/claimStatus.ts';
import { claimUsers } from '../../renderer/storage/claimUsers.ts';
import { dataLocation } from '../../renderer/storage/dataLocation.ts';
import { podVolumes } from '../../renderer/storage/podVolumes.ts';
import type { ClaimObject, VolumeObject } from '../../renderer/storage/storageObjects.ts';

const standard = standardStorageClass();

function claim(name: string, fields: { className?: string; phase?: string; volumeName?: string; annotations?: Record<string, string>; deleting?: boolean } = {}): ClaimObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, annotations: fields.annotations, ...(fields.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...(fields.className !== undefined ? { storageClassName: fields.className } : {}), ...(fields.volumeName ? { volumeName: fields.volumeName } : {}) },
    status: { phase: fields.phase ?? 'Pending', ...(fields.phase === 'Bound' ? { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } : {}) },
  };
}

/** A PV as the local-path provisioner makes it for `claimUid` on `node`. */
function localPathVolume(claimUid: string, node: string): VolumeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pvc-${claimUid}`, annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: 'standard',
      hostPath: { path: `/var/local-path-provisioner/pvc-${claimUid}_default_data`, type: 'DirectoryOrCreate' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
    },
    status: { phase: 'Bound' },
  };
}

function claimEvent(c: ClaimObject, type: string, reason: string, message: string, at: string): EventView {
  return { metadata: { name: `${c.metadata.name}.${reason}`, namespace: 'default' }, type, reason, message, lastTimestamp: at, involvedObject: { kind: 'PersistentVolumeClaim', name: c.metadata.name, namespace: 'default', uid: c.metadata.uid } };
}

test('each volume has its kind and what it names; every container mount is listed with subPath and read-only', () => {
  const pod = {
    metadata: { name: 'web-0' },
    spec: {
      volumes: [
        { name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } },
        { name: 'config', configMap: { name: 'settings', optional: true } },
        { name: 'token', secret: { secretName: 'api-token' } },
        { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
        { name: 'logs', hostPath: { path: '/var/log', type: 'Directory' } },
        { name: 'cache', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      ],
      initContainers: [{ name: 'seed', volumeMounts: [{ name: 'data', mountPath: '/seed' }] }],
      containers: [{ name: 'web', volumeMounts: [{ name: 'data', mountPath: '/www', subPath: 'site', readOnly: true }, { name: 'config', mountPath: '/etc/app' }] }],
    },
  };
  const volumes = podVolumes(pod);
  assert.deepEqual(
    volumes.map((v) => [v.name, v.kind, v.detail, v.claimName]),
    [
      ['data', 'persistentVolumeClaim', undefined, 'data-web-0'],
      ['config', 'configMap', 'ConfigMap settings (optional)', undefined],
      ['token', 'secret', 'Secret api-token', undefined],
      ['scratch', 'emptyDir', 'in memory (tmpfs), size limit 64Mi', undefined],
      ['logs', 'hostPath', '/var/log (type Directory)', undefined],
      // The ephemeral volume controller names the claim <pod>-<volume>.
      ['cache', 'ephemeral', undefined, 'web-0-cache'],
    ],
  );
  assert.deepEqual(volumes[0].mounts, [
    { container: 'seed', init: true, mountPath: '/seed', subPath: undefined, subPathExpr: undefined, readOnly: false },
    { container: 'web', init: false, mountPath: '/www', subPath: 'site', subPathExpr: undefined, readOnly: true },
  ]);
  assert.deepEqual(volumes[3].mounts, []);
});

test('a Bound local-path claim leads to its pvc-<uid> volume, whose data is the Docker volume podlab-<pv> on its node', () => {
  const data = claim('data', { className: 'standard', phase: 'Bound', volumeName: 'pvc-uid-data' });
  const pv = localPathVolume('uid-data', 'node-2');
  const chain = claimChain('default', 'data', { claims: [data], volumes: [pv], classes: [standard] });
  assert.equal(chain.phase, 'Bound');
  assert.equal(chain.tone, 'ok');
  assert.equal(chain.problem, undefined);
  assert.equal(chain.storageClass, 'standard');
  assert.equal(chain.capacity, '1Gi');
  assert.equal(chain.accessModes, 'RWO');
  assert.equal(chain.volume?.name, 'pvc-uid-data');
  assert.equal(chain.volume?.reclaimPolicy, 'Delete');
  assert.deepEqual(chain.volume?.location, { kind: 'runtime-volume', where: localPathVolumeName('pvc-uid-data'), node: 'node-2', text: 'Docker volume podlab-pvc-uid-data on node node-2' });
  // On the simulated runtime the same volume holds no files, and the UI says so.
  assert.match(dataLocation(pv, 'simulated').text, /^volume podlab-pvc-uid-data on node node-2 \(simulated runtime/);
});

test('a static hostPath or local volume keeps its data at its path', () => {
  const hostPath: VolumeObject = { metadata: { name: 'shared' }, spec: { hostPath: { path: '/srv/shared' }, persistentVolumeReclaimPolicy: 'Retain' } };
  assert.deepEqual(dataLocation(hostPath), { kind: 'host-path', where: '/srv/shared', node: undefined, text: 'host path /srv/shared on this machine' });
  const local: VolumeObject = {
    metadata: { name: 'disk' },
    spec: { local: { path: '/mnt/disk' }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-1'] }] }] } } },
  };
  assert.equal(dataLocation(local).text, 'host path /mnt/disk on this machine (pinned to node node-1)');
  assert.equal(dataLocation({ metadata: { name: 'nfs' }, spec: { nfs: { server: 'x', path: '/' } } }).kind, 'unsupported');
});

test('a claim for a StorageClass that does not exist says so, quoting the ProvisioningFailed warning', () => {
  const fast = claim('fast', { className: 'fast-ssd' });
  const chain = claimChain('default', 'fast', { claims: [fast], volumes: [], classes: [standard] });
  assert.equal(chain.phase, 'Pending');
  assert.equal(chain.tone, 'warn');
  assert.equal(chain.classMissing, true);
  assert.equal(chain.volume, undefined);
  assert.equal(chain.capacity, undefined);
  assert.equal(chain.requested, '1Gi');
  assert.equal(chain.problem, 'StorageClass "fast-ssd" does not exist, so no volume can be provisioned for it');
  const events = [
    claimEvent(fast, 'Warning', 'ProvisioningFailed', 'storageclass.storage.k8s.io "fast-ssd" not found', '2026-01-01T00:00:02Z'),
    // Another claim's warning is not this one's.
    claimEvent(claim('other'), 'Warning', 'ProvisioningFailed', 'something else', '2026-01-01T00:00:03Z'),
  ];
  assert.equal(claimProblem(fast, [standard], events), 'StorageClass "fast-ssd" does not exist, so no volume can be provisioned for it (ProvisioningFailed: storageclass.storage.k8s.io "fast-ssd" not found)');
  // Without the classes, the event alone explains it.
  assert.equal(claimProblem(fast, undefined, events), 'ProvisioningFailed: storageclass.storage.k8s.io "fast-ssd" not found');
  assert.equal(claimProblem(fast, undefined, []), undefined);
});

test('a WaitForFirstConsumer claim waits for its pod to be scheduled, then for the provisioner on the chosen node', () => {
  const waiting = claim('data', { className: 'standard' });
  assert.match(claimProblem(waiting, [standard]) ?? '', /^WaitForFirstConsumer: StorageClass standard makes the volume only once a pod using this claim is scheduled$/);
  const picked = claim('data', { className: 'standard', annotations: { 'volume.kubernetes.io/selected-node': 'node-1', 'volume.kubernetes.io/storage-provisioner': 'rancher.io/local-path' } });
  assert.equal(claimProblem(picked, [standard]), 'waiting for rancher.io/local-path to provision its volume on node node-1');
});

test('claims without a class, missing, Lost or being deleted', () => {
  assert.match(claimProblem(claim('plain', { className: '' }), [standard]) ?? '', /^no StorageClass/);
  const missing = claimChain('default', 'nope', { claims: [], volumes: [] });
  assert.equal(missing.phase, 'Missing');
  assert.equal(missing.tone, 'bad');
  assert.match(missing.problem ?? '', /persistentvolumeclaim "nope" not found/);
  const lost = claim('lost', { className: 'standard', phase: 'Lost', volumeName: 'pvc-gone' });
  const lostChain = claimChain('default', 'lost', { claims: [lost], volumes: [], classes: [standard], events: [claimEvent(lost, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!', '2026-01-01T00:00:00Z')] });
  assert.equal(lostChain.tone, 'bad');
  assert.equal(lostChain.problem, 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
  assert.deepEqual(lostChain.volume, { name: 'pvc-gone', found: false });
  const deleting = claimChain('default', 'old', { claims: [claim('old', { className: 'standard', phase: 'Bound', volumeName: 'pvc-uid-old', deleting: true })], volumes: [localPathVolume('uid-old', 'node-1')] });
  assert.equal(deleting.phase, 'Terminating');
  assert.match(deleting.problem ?? '', /pvc-protection/);
  assert.equal(deleting.volume?.found, true);
});

test('claim users: the pods whose claim or ephemeral volumes name each claim, by namespace', () => {
  const pod = (namespace: string, name: string, volumes: object[]) => ({ metadata: { namespace, name }, spec: { volumes } });
  const users = claimUsers([
    pod('default', 'web-1', [{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-1' } }]),
    pod('default', 'web-0', [{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-0' } }, { name: 'shared', persistentVolumeClaim: { claimName: 'shared' } }]),
    pod('default', 'reader', [{ name: 'shared', persistentVolumeClaim: { claimName: 'shared' } }, { name: 'tmp', emptyDir: {} }]),
    pod('other', 'reader', [{ name: 'shared', persistentVolumeClaim: { claimName: 'shared' } }]),
    pod('default', 'job', [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } }]),
  ]);
  assert.deepEqual(Object.fromEntries(users), {
    'default/data-web-1': ['web-1'],
    'default/data-web-0': ['web-0'],
    'default/shared': ['reader', 'web-0'],
    'other/shared': ['reader'],
    'default/job-scratch': ['job'],
  });
});
