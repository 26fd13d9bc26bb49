// VolumeBinding: a pod's claims decide where (and whether) it can go, and
// PreBind commits the choice for claims that wait for their first consumer.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeInfo } from '../../main/scheduler/nodeInfo.ts';
import { VolumeBinding, type VolumeState } from '../../main/scheduler/plugins/volumeBinding.ts';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../main/controllers/volume/volumeTypes.ts';
import { makeNode, makePod } from '../helpers/schedulerFixtures.ts';

/** The PV controller's part played at once: a claim pre-bound or given a node is Bound (unless `binds` is false). */
function fakeState(claims: PersistentVolumeClaim[], volumes: PersistentVolume[], classes: StorageClass[], binds = true) {
  const writes: string[] = [];
  const bind = (pvc: PersistentVolumeClaim, volumeName: string) => {
    if (!binds) return;
    pvc.spec = { ...pvc.spec, volumeName };
    pvc.status = { phase: 'Bound' };
  };
  const state: VolumeState = {
    claim: (ns, name) => claims.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
    volume: (name) => volumes.find((v) => v.metadata.name === name),
    volumes: () => volumes,
    storageClass: (name) => classes.find((c) => c.metadata.name === name),
    preBindVolume: async (pv, pvc) => {
      writes.push(`prebind ${pv.metadata.name} to ${pvc.metadata.name}`);
      bind(pvc, pv.metadata.name ?? '');
    },
    selectNode: async (pvc, node) => {
      writes.push(`select ${node} for ${pvc.metadata.name}`);
      bind(pvc, `pvc-${pvc.metadata.uid}`);
    },
    waitUntil: async (check) => check(),
  };
  return { state, writes };
}

const claim = (name: string, spec: Record<string, unknown> = {}): PersistentVolumeClaim => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}` },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
  status: { phase: spec.volumeName ? 'Bound' : 'Pending' },
});
const onNode = (node: string) => ({ required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } });
const volume = (name: string, extra: Record<string, unknown> = {}): PersistentVolume => ({
  metadata: { name },
  spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/x' }, ...extra },
  status: { phase: 'Available' },
});
const wffc: StorageClass = { metadata: { name: 'standard' }, provisioner: 'rancher.io/local-path', volumeBindingMode: 'WaitForFirstConsumer' };
const immediate: StorageClass = { metadata: { name: 'fast' }, provisioner: 'example.com/fast', volumeBindingMode: 'Immediate' };
const podWith = (...claimNames: string[]) => makePod('p', { spec: { volumes: claimNames.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })) } as never });

describe('VolumeBinding', () => {
  it('skips pods without claims', () => {
    const { state } = fakeState([], [], []);
    assert.equal(new VolumeBinding(state).preFilter(makePod('p')).status.code, 'Skip');
  });

  it('a pod with an unbound Immediate claim waits: "pod has unbound immediate PersistentVolumeClaims"', () => {
    const { state } = fakeState([claim('data', { storageClassName: 'fast' })], [], [immediate]);
    const status = new VolumeBinding(state).preFilter(podWith('data')).status;
    assert.equal(status.code, 'UnschedulableAndUnresolvable');
    assert.deepEqual(status.reasons, ['pod has unbound immediate PersistentVolumeClaims']);
  });

  it('a missing claim is reported by name', () => {
    const { state } = fakeState([], [], []);
    assert.deepEqual(new VolumeBinding(state).preFilter(podWith('gone')).status.reasons, ['persistentvolumeclaim "gone" not found']);
  });

  it('a bound volume with node affinity allows only its node', () => {
    const { state } = fakeState([claim('data', { volumeName: 'pv1' })], [volume('pv1', { nodeAffinity: onNode('n1') })], []);
    const plugin = new VolumeBinding(state);
    assert.equal(plugin.filter(podWith('data'), new NodeInfo(makeNode('n1'))).code, 'Success');
    const other = plugin.filter(podWith('data'), new NodeInfo(makeNode('n2')));
    assert.deepEqual([other.code, other.reasons], ['UnschedulableAndUnresolvable', ['node(s) had volume node affinity conflict']]);
  });

  it('a WaitForFirstConsumer claim takes a static volume on the node, else asks its provisioner for the chosen node', async () => {
    const { state, writes } = fakeState(
      [claim('a', { storageClassName: 'standard' }), claim('b', { storageClassName: 'standard' })],
      [volume('local-n2', { storageClassName: 'standard', nodeAffinity: onNode('n2') })],
      [wffc],
    );
    const plugin = new VolumeBinding(state);
    assert.equal(plugin.preFilter(podWith('a')).status.code, 'Success');
    await plugin.preBind(podWith('a'), makeNode('n2'));
    await plugin.preBind(podWith('b'), makeNode('n1'));
    assert.deepEqual(writes, ['prebind local-n2 to a', 'select n1 for b']);
  });

  it('PreBind fails when the claims are not bound in time, as kube-scheduler words it', async () => {
    const { state } = fakeState([claim('a', { storageClassName: 'standard' })], [], [wffc], false);
    await assert.rejects(new VolumeBinding(state).preBind(podWith('a'), makeNode('n1')), /^Error: binding volumes: context deadline exceeded$/);
  });

  it('without a provisioner, a WaitForFirstConsumer claim fits only nodes with a matching volume', () => {
    const noProvisioner: StorageClass = { metadata: { name: 'manual' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' };
    delete noProvisioner.provisioner;
    const { state } = fakeState([claim('a', { storageClassName: 'manual' })], [volume('local-n2', { storageClassName: 'manual', nodeAffinity: onNode('n2') })], [noProvisioner]);
    const plugin = new VolumeBinding(state);
    assert.equal(plugin.filter(podWith('a'), new NodeInfo(makeNode('n2'))).code, 'Success');
    assert.deepEqual(plugin.filter(podWith('a'), new NodeInfo(makeNode('n1'))).reasons, ["node(s) didn't find available persistent volumes to bind"]);
  });
});
