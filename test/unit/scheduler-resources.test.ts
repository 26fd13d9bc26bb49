import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeInfo } from '../../main/scheduler/nodeInfo.ts';
import { DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, podRequests } from '../../main/scheduler/podRequests.ts';
import { resourceFromList } from '../../main/scheduler/resources.ts';
import type { Container, Pod } from '../../main/scheduler/types.ts';
import { assignedPod, makeNode, makePod } from '../helpers/schedulerFixtures.ts';

const MI = 1024 * 1024;

function container(name: string, requests?: Record<string, string>, restartPolicy?: string): Container {
  return { name, ...(requests ? { resources: { requests } } : {}), ...(restartPolicy ? { restartPolicy } : {}) };
}

function podWith(containers: Container[], initContainers: Container[] = [], overhead?: Record<string, string>): Pod {
  const pod = makePod('p');
  pod.spec.containers = containers;
  pod.spec.initContainers = initContainers;
  if (overhead) pod.spec.overhead = overhead;
  return pod;
}

describe('resourceFromList', () => {
  const cases: { list: Record<string, string | number>; want: Partial<ReturnType<typeof resourceFromList>> }[] = [
    { list: { cpu: '100m', memory: '1Gi' }, want: { milliCPU: 100, memory: 1024 * MI } },
    { list: { cpu: '1.5', memory: '1.5Gi' }, want: { milliCPU: 1500, memory: 1.5 * 1024 * MI } },
    { list: { cpu: 2, memory: '128M' }, want: { milliCPU: 2000, memory: 128_000_000 } },
    // Rounded up, as Quantity.MilliValue and Value do.
    { list: { cpu: '0.0001', memory: '100m' }, want: { milliCPU: 1, memory: 1 } },
    { list: { cpu: '1e-1', 'ephemeral-storage': '1Ki', pods: '110' }, want: { milliCPU: 100, ephemeralStorage: 1024, allowedPodNumber: 110 } },
  ];
  for (const { list, want } of cases) {
    it(JSON.stringify(list), () => {
      const got = resourceFromList(list);
      for (const [field, value] of Object.entries(want)) assert.equal(got[field as keyof typeof got], value, field);
    });
  }

  it('counts extended and hugepages resources as scalars and ignores unknown names', () => {
    const got = resourceFromList({ 'example.com/gpu': '2', 'hugepages-2Mi': '4Mi', 'requests.cpu': '1', bogus: '3' });
    assert.deepEqual(got.scalar, { 'example.com/gpu': 2, 'hugepages-2Mi': 4 * MI });
  });
});

describe('podRequests', () => {
  const cases: { name: string; pod: Pod; cpu: number; memory: number; nonZeroCpu: number; nonZeroMemory: number }[] = [
    {
      name: 'app containers add up',
      pod: podWith([container('a', { cpu: '200m', memory: '100Mi' }), container('b', { cpu: '300m', memory: '50Mi' })]),
      cpu: 500,
      memory: 150 * MI,
      nonZeroCpu: 500,
      nonZeroMemory: 150 * MI,
    },
    {
      // Kubernetes' computePodResourceRequest example: max(sum of containers, each init container).
      name: 'init containers count by their peak',
      pod: podWith(
        [container('c1', { cpu: '2', memory: '1G' }), container('c2', { cpu: '1', memory: '1G' })],
        [container('ic1', { cpu: '2', memory: '1G' }), container('ic2', { cpu: '2', memory: '3G' })],
      ),
      cpu: 3000,
      memory: 3_000_000_000,
      nonZeroCpu: 3000,
      nonZeroMemory: 3_000_000_000,
    },
    {
      name: 'sidecars run alongside later init containers and the app',
      pod: podWith(
        [container('app', { cpu: '500m' })],
        [container('sidecar', { cpu: '200m' }, 'Always'), container('migrate', { cpu: '1' })],
      ),
      // app + sidecar = 700m; while `migrate` runs: 1000m + sidecar 200m = 1200m.
      cpu: 1200,
      memory: 0,
      nonZeroCpu: 1200,
      // No memory requests: app + sidecar, and sidecar + migrate, are both 2 defaults.
      nonZeroMemory: 2 * DEFAULT_MEMORY_REQUEST,
    },
    {
      name: 'overhead is added on top',
      pod: podWith([container('a', { cpu: '100m', memory: '64Mi' })], [], { cpu: '250m', memory: '120Mi' }),
      cpu: 350,
      memory: 184 * MI,
      nonZeroCpu: 350,
      nonZeroMemory: 184 * MI,
    },
    {
      name: 'a best-effort pod requests nothing, but scoring counts the defaults',
      pod: podWith([container('a'), container('b')]),
      cpu: 0,
      memory: 0,
      nonZeroCpu: 2 * DEFAULT_MILLI_CPU_REQUEST,
      nonZeroMemory: 2 * DEFAULT_MEMORY_REQUEST,
    },
    {
      name: 'an explicit zero request stays zero',
      pod: podWith([container('a', { cpu: '0', memory: '0' })]),
      cpu: 0,
      memory: 0,
      nonZeroCpu: 0,
      nonZeroMemory: 0,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const requests = podRequests(c.pod);
      const nonZero = podRequests(c.pod, { nonZero: true });
      assert.equal(requests.milliCPU, c.cpu, 'cpu');
      assert.equal(requests.memory, c.memory, 'memory');
      assert.equal(nonZero.milliCPU, c.nonZeroCpu, 'non-zero cpu');
      assert.equal(nonZero.memory, c.nonZeroMemory, 'non-zero memory');
    });
  }

  it('memoizes per pod object and freezes the result', () => {
    const pod = podWith([container('a', { cpu: '1' })]);
    assert.equal(podRequests(pod), podRequests(pod));
    assert.throws(() => {
      (podRequests(pod) as { milliCPU: number }).milliCPU = 5;
    });
  });
});

describe('NodeInfo', () => {
  it('sums the requests of its pods and counts them', () => {
    const node = makeNode('n1', { allocatable: { cpu: '4', memory: '8Gi', pods: '10', 'ephemeral-storage': '10Gi' } });
    const info = new NodeInfo(node, [
      assignedPod('a', 'n1', { requests: { cpu: '1', memory: '1Gi' } }),
      assignedPod('b', 'n1', { requests: { cpu: '500m' } }),
      assignedPod('c', 'n1'),
    ]);
    assert.equal(info.name, 'n1');
    assert.equal(info.pods.length, 3);
    assert.equal(info.requested.milliCPU, 1500);
    assert.equal(info.requested.memory, 1024 * MI);
    assert.equal(info.nonZeroRequested.milliCPU, 1500 + DEFAULT_MILLI_CPU_REQUEST);
    assert.equal(info.nonZeroRequested.memory, 1024 * MI + 2 * DEFAULT_MEMORY_REQUEST);
    assert.deepEqual(info.allocatable, { milliCPU: 4000, memory: 8192 * MI, ephemeralStorage: 10240 * MI, allowedPodNumber: 10, scalar: {} });
  });

  it('has nothing allocatable when the node reports no allocatable', () => {
    const node = makeNode('n1');
    delete node.status!.allocatable;
    assert.deepEqual(new NodeInfo(node).allocatable, { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: {} });
  });
});
