import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FitError, type Diagnosis } from '../../main/scheduler/fitError.ts';
import { newStatus, type Status } from '../../main/scheduler/framework.ts';
import { defaultProfile } from '../../main/scheduler/plugins/defaultProfile.ts';
import { schedulePod } from '../../main/scheduler/schedulePod.ts';
import { Snapshot } from '../../main/scheduler/snapshot.ts';
import { assignedPod, makeNode, makePod } from '../helpers/schedulerFixtures.ts';

const CONTROL_PLANE_TAINT = 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

function diagnosis(statuses: Record<string, Status>, extra: Partial<Diagnosis> = {}): Diagnosis {
  return { nodeToStatus: new Map(Object.entries(statuses)), unschedulablePlugins: new Set(), ...extra };
}

const cpu = newStatus('Unschedulable', 'Insufficient cpu');
const taint = newStatus('UnschedulableAndUnresolvable', CONTROL_PLANE_TAINT);

describe('FitError message', () => {
  const cases: { name: string; numAllNodes: number; diagnosis: Diagnosis; want: string }[] = [
    {
      name: 'one reason on every node',
      numAllNodes: 2,
      diagnosis: diagnosis({ n1: cpu, n2: cpu }),
      want: '0/2 nodes are available: 2 Insufficient cpu.',
    },
    {
      name: 'reasons grouped by count and sorted',
      numAllNodes: 3,
      diagnosis: diagnosis({ worker: cpu, cp1: taint, cp2: taint }),
      want: `0/3 nodes are available: 1 Insufficient cpu, 2 ${CONTROL_PLANE_TAINT}.`,
    },
    {
      name: 'every reason of a node counts',
      numAllNodes: 2,
      diagnosis: diagnosis({ n1: newStatus('Unschedulable', 'Insufficient cpu', 'Insufficient memory'), n2: cpu }),
      want: '0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu.',
    },
    {
      name: 'sorted as strings, as Go sorts them',
      numAllNodes: 12,
      diagnosis: diagnosis({
        ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`w${i}`, taint])),
        a: cpu,
        b: cpu,
      }),
      want: `0/12 nodes are available: 10 ${CONTROL_PLANE_TAINT}, 2 Insufficient cpu.`,
    },
    {
      name: 'a PreFilter rejection replaces the histogram',
      numAllNodes: 3,
      diagnosis: diagnosis({}, { preFilterMsg: 'pod affinity terms conflict', absentNodesStatus: newStatus('UnschedulableAndUnresolvable', 'pod affinity terms conflict') }),
      want: '0/3 nodes are available: pod affinity terms conflict.',
    },
    {
      name: 'nodes a PreFilter result left out are counted with their status',
      numAllNodes: 3,
      diagnosis: diagnosis({ n1: cpu }, { absentNodesStatus: newStatus('UnschedulableAndUnresolvable', "node(s) didn't satisfy plugin(s) [NodeAffinity]") }),
      want: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].",
    },
    {
      name: 'no reasons at all',
      numAllNodes: 1,
      diagnosis: diagnosis({}),
      want: '0/1 nodes are available:',
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(new FitError(c.numAllNodes, c.diagnosis).message, c.want));
  }
});

describe('FailedScheduling messages from the default plugins', () => {
  const controlPlane = (name: string) =>
    makeNode(name, { spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }, allocatable: { cpu: '8', memory: '8Gi', pods: '110' } });
  const worker = (name: string, labels: Record<string, string> = {}) => makeNode(name, { allocatable: { cpu: '1', memory: '2Gi', pods: '2' }, labels });
  const cases: { name: string; nodes: ReturnType<typeof makeNode>[]; running?: ReturnType<typeof assignedPod>[]; pod: ReturnType<typeof makePod>; want: string; plugins: string[] }[] = [
    {
      name: 'too much cpu for both workers',
      nodes: [worker('node-1'), worker('node-2')],
      pod: makePod('web-1', { requests: { cpu: '2' } }),
      want: '0/2 nodes are available: 2 Insufficient cpu.',
      plugins: ['NodeResourcesFit'],
    },
    {
      name: 'tainted control planes and a full worker',
      nodes: [controlPlane('cp-1'), controlPlane('cp-2'), worker('node-1')],
      running: [assignedPod('busy', 'node-1', { requests: { cpu: '800m' } })],
      pod: makePod('web-1', { requests: { cpu: '500m' } }),
      want: `0/3 nodes are available: 1 Insufficient cpu, 2 ${CONTROL_PLANE_TAINT}.`,
      plugins: ['NodeResourcesFit', 'TaintToleration'],
    },
    {
      name: 'the first failing filter names the reason',
      nodes: [makeNode('node-1', { spec: { unschedulable: true }, allocatable: { cpu: '0', pods: '110' } }), worker('node-2')],
      pod: makePod('web-1', { requests: { cpu: '2' }, spec: { nodeSelector: { disk: 'ssd' } } }),
      want: "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable.",
      plugins: ['NodeAffinity', 'NodeUnschedulable'],
    },
    {
      name: 'too many pods and not enough memory',
      nodes: [worker('node-1')],
      running: [assignedPod('a', 'node-1'), assignedPod('b', 'node-1')],
      pod: makePod('web-1', { requests: { memory: '3Gi' } }),
      want: '0/1 nodes are available: 1 Insufficient memory, 1 Too many pods.',
      plugins: ['NodeResourcesFit'],
    },
    {
      name: 'a node named by affinity that is full',
      nodes: [worker('node-1'), worker('node-2'), worker('node-3')],
      pod: makePod('web-1', {
        requests: { cpu: '2' },
        spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }] } } } },
      }),
      want: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity].",
      plugins: ['NodeAffinity', 'NodeResourcesFit'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = schedulePod(c.pod, Snapshot.from(c.nodes, c.running ?? []), defaultProfile());
      assert.equal(result.status, 'Unschedulable');
      if (result.status !== 'Unschedulable') return;
      assert.equal(result.message, c.want);
      assert.deepEqual([...result.unschedulablePlugins].sort(), c.plugins);
    });
  }
});
