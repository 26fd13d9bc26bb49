// The kubelet's persistentVolumeClaim volumes: a claim not yet bound holds the
// pod with the volume manager's message; a bound local-path claim mounts its
// runtime volume, read-only when the pod says so, with subPath passed on.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VolumeManager, VolumeSetupError } from '../../main/kubelet/volumeManager.ts';
import type { Runtime, VolumeSpec } from '../../main/runtime/runtime.ts';
import type { Pod } from '../../main/kubelet/types.ts';
import type { ClaimedVolume } from '../../main/kubelet/podObjects.ts';

const pod = (readOnly = false): Pod =>
  ({
    metadata: { name: 'p', namespace: 'default', uid: 'u1' },
    spec: { containers: [{ name: 'c', image: 'busybox', volumeMounts: [{ name: 'data', mountPath: '/data', subPath: 'x' }] }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data', readOnly } }] },
  }) as unknown as Pod;

function context(found: ClaimedVolume | undefined) {
  return {
    pod: pod(),
    podIPs: [],
    hostIPs: [],
    allocatable: {},
    objects: { configMap: async () => new Map(), secret: async () => new Map(), claimedVolume: async () => found },
  };
}

describe('kubelet claim volumes', () => {
  const created: VolumeSpec[] = [];
  const runtime = { createVolume: async (spec: VolumeSpec) => void created.push(spec) } as unknown as Runtime;
  const manager = new VolumeManager(runtime, '/nonexistent-kubelet-root');

  it('a Pending claim fails the mount with the volume manager\'s words', async () => {
    const pending = { claim: { metadata: { name: 'data' }, spec: {}, status: { phase: 'Pending' } } };
    await assert.rejects(manager.setUp(pod(), context(pending) as never), (err: unknown) => {
      assert.ok(err instanceof VolumeSetupError);
      assert.equal(err.message, 'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data], failed to process volumes=[data]: error processing PVC default/data: PVC is not bound');
      return true;
    });
  });

  it('a missing claim is named', async () => {
    await assert.rejects(manager.setUp(pod(), context(undefined) as never), /persistentvolumeclaim "data" not found/);
  });

  it('a bound local-path claim mounts its runtime volume, read-only when asked, with the subPath', async () => {
    const bound: ClaimedVolume = {
      claim: { metadata: { name: 'data' }, spec: { volumeName: 'pvc-1' }, status: { phase: 'Bound' } },
      volume: { metadata: { name: 'pvc-1', annotations: { 'pv.kubernetes.io/provisioned-by': 'rancher.io/local-path' } }, spec: { hostPath: { path: '/var/local-path-provisioner/pvc-1_default_data' } } },
    };
    const readOnlyPod = pod(true);
    const volumes = await manager.setUp(readOnlyPod, context(bound) as never);
    assert.equal(created[0]?.name, 'podlab-pvc-1');
    const mounts = manager.mounts(readOnlyPod.spec.containers[0]!, volumes);
    assert.deepEqual(mounts, [{ containerPath: '/data', source: { type: 'volume', name: 'podlab-pvc-1', subPath: 'x' }, readOnly: true }]);
  });
});
