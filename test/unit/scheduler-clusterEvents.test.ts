import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ActionType,
  AssignedPodDelete,
  matchClusterEvents,
  NodeAdd,
  NodeAllocatableChange,
  NodeLabelChange,
  nodeSchedulingPropertiesChange,
  NodeTaintChange,
  UnschedulableTimeout,
  type ClusterEvent,
} from '../../main/scheduler/clusterEvents.ts';
import type { Node } from '../../main/scheduler/types.ts';
import { makeNode } from '../helpers/schedulerFixtures.ts';

describe('matchClusterEvents', () => {
  const nodeAddOrTaint: ClusterEvent = { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint, label: 'r' };
  const podDelete: ClusterEvent = { resource: 'Pod', actionType: ActionType.Delete, label: 'r' };
  const cases: { name: string; registered: ClusterEvent; incoming: ClusterEvent; want: boolean }[] = [
    { name: 'a registered action', registered: nodeAddOrTaint, incoming: NodeAdd, want: true },
    { name: 'another registered action', registered: nodeAddOrTaint, incoming: NodeTaintChange, want: true },
    { name: 'an action not registered', registered: nodeAddOrTaint, incoming: NodeLabelChange, want: false },
    { name: 'Pod covers assigned pods', registered: podDelete, incoming: AssignedPodDelete, want: true },
    { name: 'another resource', registered: podDelete, incoming: NodeAdd, want: false },
    { name: 'a wildcard registration matches anything', registered: UnschedulableTimeout, incoming: NodeAllocatableChange, want: true },
    { name: 'a general update does not match a specific registration', registered: nodeAddOrTaint, incoming: { resource: 'Node', actionType: ActionType.All, label: 'NodeUpdate' }, want: false },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(matchClusterEvents(c.registered, c.incoming), c.want));
  }
});

describe('nodeSchedulingPropertiesChange', () => {
  const base = makeNode('n1', { allocatable: { cpu: '2', memory: '4Gi', pods: '110' }, labels: { zone: 'a' } });
  const change = (edit: (node: Node) => void): Node => {
    const node = structuredClone(base);
    edit(node);
    return node;
  };
  const cases: { name: string; updated: Node; want: string[] }[] = [
    { name: 'a heartbeat', updated: change((n) => (n.status!.conditions = [{ type: 'Ready', status: 'True' }])), want: [] },
    { name: 'cordoned', updated: change((n) => (n.spec = { unschedulable: true })), want: ['NodeSpecUnschedulableChange'] },
    { name: 'more cpu', updated: change((n) => (n.status!.allocatable!.cpu = '4')), want: ['NodeAllocatableChange'] },
    { name: 'the same quantity spelled differently', updated: change((n) => (n.status!.allocatable!.cpu = '2000m')), want: [] },
    { name: 'a new label', updated: change((n) => (n.metadata.labels!.disk = 'ssd')), want: ['NodeLabelChange'] },
    { name: 'a taint', updated: change((n) => (n.spec = { taints: [{ key: 'k', effect: 'NoSchedule' }] })), want: ['NodeTaintChange'] },
    {
      name: 'several at once',
      updated: change((n) => {
        n.metadata.labels = {};
        n.status!.allocatable!.memory = '8Gi';
      }),
      want: ['NodeAllocatableChange', 'NodeLabelChange'],
    },
  ];
  for (const c of cases) {
    it(c.name, () =>
      assert.deepEqual(
        nodeSchedulingPropertiesChange(base, c.updated).map((e) => e.label),
        c.want,
      ),
    );
  }
});
