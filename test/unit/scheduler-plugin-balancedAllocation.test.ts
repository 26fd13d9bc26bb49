import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeInfo } from '../../main/scheduler/nodeInfo.ts';
import { balancedResourceScore, NodeResourcesBalancedAllocation } from '../../main/scheduler/plugins/nodeResourcesBalancedAllocation.ts';
import type { ResourceList } from '../../main/scheduler/types.ts';
import { assignedPod, makeNode, makePod } from '../helpers/schedulerFixtures.ts';

const plugin = new NodeResourcesBalancedAllocation();

describe('NodeResourcesBalancedAllocation', () => {
  // The first two cases are from kube-scheduler's balanced_allocation_test.go.
  const cases: { name: string; request: ResourceList; allocatable: ResourceList; running?: ResourceList[]; want: number }[] = [
    { name: 'cpu 3/4 and memory 5/10 apart', request: { cpu: '3000m', memory: '5000' }, allocatable: { cpu: '4000m', memory: '10000', pods: '10' }, want: 87 },
    { name: 'cpu 3/6 and memory 5/10 even', request: { cpu: '3000m', memory: '5000' }, allocatable: { cpu: '6000m', memory: '10000', pods: '10' }, want: 100 },
    {
      name: 'running pods count by their actual requests',
      request: { cpu: '1000m', memory: '2000' },
      allocatable: { cpu: '10000m', memory: '20000', pods: '10' },
      running: [{ cpu: '3000m', memory: '0' }, { cpu: '3000m', memory: '5000' }],
      // cpu 7000/10000 = 0.7, memory 7000/20000 = 0.35: std 0.175.
      want: 82,
    },
    { name: 'fractions are capped at 1', request: { cpu: '8', memory: '5000' }, allocatable: { cpu: '4', memory: '10000', pods: '10' }, want: 75 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const info = new NodeInfo(
        makeNode('n1', { allocatable: c.allocatable }),
        (c.running ?? []).map((requests, i) => assignedPod(`r${i}`, 'n1', { requests })),
      );
      assert.equal(plugin.score(makePod('p', { requests: c.request }), info), c.want);
    });
  }

  it('skips best-effort pods', () => {
    assert.equal(plugin.preScore(makePod('p')).code, 'Skip');
    assert.equal(plugin.preScore(makePod('p', { requests: { memory: '1Mi' } })).code, 'Success');
  });

  it('uses the standard deviation with more than two resources and ignores resources a node lacks', () => {
    assert.equal(balancedResourceScore([1, 2, 3], [4, 4, 4]), Math.trunc((1 - Math.sqrt(((0.25 - 0.5) ** 2 + 0 + (0.75 - 0.5) ** 2) / 3)) * 100));
    assert.equal(balancedResourceScore([5, 0], [10, 0]), 100);
  });
});
