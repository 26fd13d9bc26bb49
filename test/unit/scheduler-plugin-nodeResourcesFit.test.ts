import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeInfo } from '../../main/scheduler/nodeInfo.ts';
import { NodeResourcesFit } from '../../main/scheduler/plugins/nodeResourcesFit.ts';
import type { ResourceList } from '../../main/scheduler/types.ts';
import { assignedPod, makeNode, makePod } from '../helpers/schedulerFixtures.ts';

const plugin = new NodeResourcesFit();

function nodeInfo(allocatable: ResourceList, running: ResourceList[] = []) {
  return new NodeInfo(
    makeNode('n1', { allocatable }),
    running.map((requests, i) => assignedPod(`running-${i}`, 'n1', { requests })),
  );
}

describe('NodeResourcesFit filter', () => {
  const node = { cpu: '2', memory: '4Gi', pods: '3', 'ephemeral-storage': '10Gi', 'example.com/gpu': '1' };
  const cases: { name: string; request?: ResourceList; running?: ResourceList[]; allocatable?: ResourceList; code: string; reasons?: string[] }[] = [
    { name: 'fits an empty node', request: { cpu: '1', memory: '1Gi' }, code: 'Success' },
    { name: 'fits next to running pods', request: { cpu: '1' }, running: [{ cpu: '1' }], code: 'Success' },
    { name: 'not enough cpu left', request: { cpu: '1' }, running: [{ cpu: '1500m' }], code: 'Unschedulable', reasons: ['Insufficient cpu'] },
    { name: 'not enough memory left', request: { memory: '2Gi' }, running: [{ memory: '3Gi' }], code: 'Unschedulable', reasons: ['Insufficient memory'] },
    {
      name: 'every missing resource is reported',
      request: { cpu: '1', memory: '2Gi' },
      running: [{ cpu: '1500m', memory: '3Gi' }],
      code: 'Unschedulable',
      reasons: ['Insufficient cpu', 'Insufficient memory'],
    },
    { name: 'more than the whole node has', request: { cpu: '3' }, code: 'UnschedulableAndUnresolvable', reasons: ['Insufficient cpu'] },
    { name: 'no room for another pod', running: [{}, {}, {}], code: 'Unschedulable', reasons: ['Too many pods'] },
    { name: 'a best-effort pod needs only a pod slot', running: [{ cpu: '2', memory: '4Gi' }], code: 'Success' },
    { name: 'ephemeral storage', request: { 'ephemeral-storage': '11Gi' }, code: 'UnschedulableAndUnresolvable', reasons: ['Insufficient ephemeral-storage'] },
    { name: 'an extended resource', request: { 'example.com/gpu': '1' }, running: [{ 'example.com/gpu': '1' }], code: 'Unschedulable', reasons: ['Insufficient example.com/gpu'] },
    { name: 'an extended resource the node lacks', request: { 'example.com/fpga': '1' }, code: 'UnschedulableAndUnresolvable', reasons: ['Insufficient example.com/fpga'] },
    { name: 'a node reporting no allocatable', request: { cpu: '100m' }, allocatable: {}, code: 'UnschedulableAndUnresolvable', reasons: ['Too many pods', 'Insufficient cpu'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const status = plugin.filter(makePod('p', { requests: c.request }), nodeInfo(c.allocatable ?? node, c.running));
      assert.equal(status.code, c.code);
      assert.deepEqual(status.reasons, c.reasons ?? []);
    });
  }
});

describe('NodeResourcesFit score (LeastAllocated)', () => {
  // The first two cases are from kube-scheduler's least_allocated_test.go.
  const cases: { name: string; request?: ResourceList; allocatable: ResourceList; running?: ResourceList[]; want: number }[] = [
    { name: 'requests on a small node', request: { cpu: '3000m', memory: '5000' }, allocatable: { cpu: '4000m', memory: '10000', pods: '10' }, want: 37 },
    { name: 'requests on a bigger node', request: { cpu: '3000m', memory: '5000' }, allocatable: { cpu: '6000m', memory: '10000', pods: '10' }, want: 50 },
    {
      name: 'running pods count',
      request: { cpu: '1000m', memory: '2000' },
      allocatable: { cpu: '10000m', memory: '20000', pods: '10' },
      running: [{ cpu: '3000m', memory: '0' }, { cpu: '3000m', memory: '5000' }],
      // cpu (10000 - 7000) * 100 / 10000 = 30, memory (20000 - 7000) * 100 / 20000 = 65.
      want: 47,
    },
    {
      name: 'a best-effort pod counts as 100m and 200MB',
      allocatable: { cpu: '1000m', memory: '1000Mi', pods: '10' },
      want: Math.trunc((90 + 80) / 2),
    },
    { name: 'requests over capacity score 0', request: { cpu: '8', memory: '1Gi' }, allocatable: { cpu: '4', memory: '1Gi', pods: '10' }, want: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(plugin.score(makePod('p', { requests: c.request }), nodeInfo(c.allocatable, c.running)), c.want));
  }
});

describe('NodeResourcesFit queueing hints', () => {
  const [podDeleted, nodeChange] = plugin.eventsToRegister();
  const pod = makePod('p', { requests: { cpu: '2' } });
  const small = makeNode('n', { allocatable: { cpu: '1', memory: '1Gi', pods: '10' } });
  const big = makeNode('n', { allocatable: { cpu: '4', memory: '1Gi', pods: '10' } });
  const bigger = makeNode('n', { allocatable: { cpu: '8', memory: '1Gi', pods: '10' } });
  const moreMemory = makeNode('n', { allocatable: { cpu: '4', memory: '2Gi', pods: '10' } });

  it('requeues on any assigned pod deletion', () => {
    assert.equal(podDeleted!.event.resource, 'Pod');
    assert.equal(podDeleted!.hint, undefined);
  });

  const cases = [
    { name: 'a new node too small', old: undefined, new: small, want: 'QueueSkip' },
    { name: 'a new node big enough', old: undefined, new: big, want: 'Queue' },
    { name: 'a node that grew enough', old: small, new: big, want: 'Queue' },
    { name: 'a node that fit already and grew', old: big, new: bigger, want: 'Queue' },
    { name: 'a node that grew in something the pod does not ask for', old: big, new: moreMemory, want: 'QueueSkip' },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(nodeChange!.hint!(pod, c.old, c.new), c.want));
  }
});
