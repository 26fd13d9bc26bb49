import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeConditions, type NodeCondition } from '../../main/kubelet/nodeConditions.ts';
import { nodeStatus, standardLabels } from '../../main/kubelet/nodeObject.ts';
import { microTime } from '../../main/kubelet/nodeLease.ts';
import { runtimeErrors } from '../../main/kubelet/runtimeState.ts';

const healthy = { readyErrors: [], memoryPressure: false, diskPressure: false, pidPressure: false };

describe('node conditions', () => {
  it('posts the four conditions with the kubelet reasons, and an event for each first transition', () => {
    const { conditions, events } = nodeConditions([], healthy, '2025-01-01T00:00:00Z');
    assert.deepEqual(
      conditions.map((c) => [c.type, c.status, c.reason, c.message]),
      [
        ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
        ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
        ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
        ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
      ],
    );
    assert.deepEqual(events, ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID', 'NodeReady']);
  });

  it('moves the heartbeat every time but the transition time only on a change', () => {
    const first = nodeConditions([], healthy, '2025-01-01T00:00:00Z').conditions;
    const second = nodeConditions(first, healthy, '2025-01-01T00:00:10Z');
    const ready = (list: NodeCondition[]) => list.find((c) => c.type === 'Ready')!;
    assert.equal(ready(second.conditions).lastHeartbeatTime, '2025-01-01T00:00:10Z');
    assert.equal(ready(second.conditions).lastTransitionTime, '2025-01-01T00:00:00Z');
    assert.deepEqual(second.events, []);
    const down = nodeConditions(second.conditions, { ...healthy, readyErrors: ['container runtime is down'] }, '2025-01-01T00:00:20Z');
    assert.deepEqual([ready(down.conditions).status, ready(down.conditions).reason, ready(down.conditions).message], ['False', 'KubeletNotReady', 'container runtime is down']);
    assert.equal(ready(down.conditions).lastTransitionTime, '2025-01-01T00:00:20Z');
    assert.deepEqual(down.events, ['NodeNotReady']);
    const back = nodeConditions(down.conditions, healthy, '2025-01-01T00:00:30Z');
    assert.deepEqual(back.events, ['NodeReady']);
  });

  it('joins several reasons as Go aggregates errors', () => {
    const { conditions } = nodeConditions([], { ...healthy, readyErrors: ['container runtime is down', 'PLEG is not healthy: x'] }, 'now');
    assert.equal(conditions.at(-1)?.message, '[container runtime is down, PLEG is not healthy: x]');
  });
});

describe('runtime health', () => {
  const base = { runtimeDownMs: 30_000, plegUnhealthyMs: 180_000 };
  it('is fine while the runtime answers', () => {
    assert.deepEqual(runtimeErrors({ ...base, now: 100_000, lastRuntimeOk: 95_000, lastRelist: 99_000 }), []);
  });
  it('says the runtime is down after the threshold, and PLEG is unhealthy after its own', () => {
    assert.deepEqual(runtimeErrors({ ...base, now: 100_000, lastRuntimeOk: 70_000, lastRelist: 99_000 }), ['container runtime is down']);
    assert.deepEqual(runtimeErrors({ ...base, now: 400_000, lastRuntimeOk: 70_000, lastRelist: 200_000 }), [
      'container runtime is down',
      'PLEG is not healthy: pleg was last seen active 3m20s ago; threshold is 3m0s',
    ]);
  });
  it('waits for the first check', () => {
    assert.deepEqual(runtimeErrors({ ...base, now: 1 }), ['container runtime status check may not have completed yet']);
  });
});

describe('node object', () => {
  it('carries the standard labels, addresses and the largest images first', () => {
    assert.deepEqual(standardLabels('node-1', 'linux', 'amd64'), {
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': 'node-1',
      'kubernetes.io/os': 'linux',
    });
    const status = nodeStatus(
      { name: 'node-1', labels: {}, capacity: { cpu: '2', memory: '4Gi', pods: '110' }, allocatable: { cpu: '2', memory: '4Gi', pods: '110' } },
      {
        internalIP: '10.244.0.2',
        nodeInfo: {} as never,
        conditions: [],
        images: [
          { id: 'a', repoTags: ['busybox:1.36'], repoDigests: [], sizeBytes: 10 },
          { id: 'b', repoTags: ['registry.k8s.io/pause:3.10'], repoDigests: [], sizeBytes: 700 },
          { id: 'c', repoTags: [], repoDigests: [], sizeBytes: 5 },
        ],
      },
    );
    assert.deepEqual(status.addresses, [{ type: 'InternalIP', address: '10.244.0.2' }, { type: 'Hostname', address: 'node-1' }]);
    assert.deepEqual(status.images, [{ names: ['registry.k8s.io/pause:3.10'], sizeBytes: 700 }, { names: ['busybox:1.36'], sizeBytes: 10 }]);
  });
  it('renews leases with microsecond timestamps', () => {
    assert.equal(microTime(Date.UTC(2025, 0, 1, 0, 0, 0, 123)), '2025-01-01T00:00:00.123000Z');
  });
});
