import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admitPod, usageOf } from '../../main/kubelet/admission.ts';
import type { Pod } from '../../main/kubelet/types.ts';

function pod(name: string, requests?: Record<string, string>): Pod {
  return { metadata: { name, namespace: 'default', uid: name }, spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'busybox', ...(requests ? { resources: { requests } } : {}) }] } };
}

describe('kubelet admission', () => {
  const allocatable = { cpu: '2', memory: '1Gi', pods: '3' };

  it('admits a pod that fits beside the running ones', () => {
    assert.deepEqual(admitPod(pod('a', { cpu: '500m' }), allocatable, usageOf([pod('b', { cpu: '1' })])), { admit: true });
  });

  it('rejects a pod asking for more CPU than is left, with the kubelet reason and message', () => {
    assert.deepEqual(admitPod(pod('a', { cpu: '1500m' }), allocatable, usageOf([pod('b', { cpu: '1' })])), {
      admit: false,
      reason: 'OutOfcpu',
      message: "Node didn't have enough resource: cpu, requested: 1500, used: 1000, capacity: 2000",
    });
  });

  it('rejects on memory and on the pod count', () => {
    assert.equal((admitPod(pod('a', { memory: '2Gi' }), allocatable, usageOf([])) as { reason: string }).reason, 'OutOfmemory');
    const full = [pod('b'), pod('c'), pod('d')];
    assert.deepEqual(admitPod(pod('a'), allocatable, usageOf(full)), {
      admit: false,
      reason: 'OutOfpods',
      message: "Node didn't have enough resource: pods, requested: 1, used: 3, capacity: 3",
    });
  });
});
