import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admitPod, usageOf } from '../../main/kubelet/admission.ts';
import { PodWorkers, type PodSyncer } from '../../main/kubelet/podWorkers.ts';
import type { Pod } from '../../main/kubelet/types.ts';
import { FakeClock } from '../helpers/fakeClock.ts';

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

describe('pod workers: what the active pods take', () => {
  const terminal = new Set<string>();
  const syncer: PodSyncer = {
    syncPod: async (p) => ({ terminal: terminal.has(p.metadata.name ?? '') }),
    syncTerminatingPod: async () => undefined,
    syncTerminatedPod: async () => false,
  };

  it('counts a pod from its worker start until it is removed or finishes, its requests once', async () => {
    const clock = new FakeClock();
    const workers = new PodWorkers(syncer, { clock, resyncMs: 60_000, errorRetryMs: 1000, onError: (err) => assert.fail(String(err)) });
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    workers.update(pod('a', { cpu: '500m', memory: '64Mi' }));
    workers.update(pod('b', { cpu: '1' }));
    // A status write brings a new object of the same pod: it is not counted again.
    workers.update(pod('a', { cpu: '500m', memory: '64Mi' }), false);
    await settle();
    let usage = workers.activeUsage();
    assert.deepEqual([usage.podCount, usage.requested.milliCPU, usage.requested.memory], [2, 1500, 64 * 1024 * 1024]);
    // The copy handed out is the caller's.
    usage.requested.milliCPU = 0;
    assert.equal(workers.activeUsage().requested.milliCPU, 1500);

    workers.remove(pod('b', { cpu: '1' }));
    terminal.add('a');
    workers.trigger('a');
    await settle();
    usage = workers.activeUsage();
    assert.deepEqual([usage.podCount, usage.requested.milliCPU, usage.requested.memory], [0, 0, 0]);
    await workers.stop(0);
  });
});
