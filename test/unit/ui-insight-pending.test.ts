import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnosePod } from '../../main/insight/diagnosePod.ts';
import { schedulingReasons } from '../../main/insight/pendingScheduling.ts';
import { event, node, pod, twoNodes } from './ui-insight-fixtures.ts';

const bigPod = pod('too-big', { containers: [{ name: 'app', image: 'busybox:1.36', resources: { requests: { cpu: '100', memory: '64Mi' } } }] }, {
  phase: 'Pending',
  conditions: [
    {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message: '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
    },
  ],
  qosClass: 'Burstable',
});

test('scheduler messages split into their per-node reasons', () => {
  assert.deepEqual(schedulingReasons('0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.'), [
    { count: 1, reason: 'Insufficient cpu' },
    { count: 2, reason: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }' },
  ]);
  assert.deepEqual(schedulingReasons('0/1 nodes are available: 1 Insufficient memory.'), [{ count: 1, reason: 'Insufficient memory' }]);
});

test('Pending for CPU: names the request, the largest node, and the taint on the other node', () => {
  const failed = event(bigPod, 'FailedScheduling', bigPod.status!.conditions![0].message!, { source: { component: 'default-scheduler' }, count: 4 });
  const [finding] = diagnosePod({ pod: bigPod, events: [failed], nodes: twoNodes, previousLogs: {} });
  assert.equal(finding.rule, 'pending-unschedulable');
  assert.equal(finding.severity, 'error');
  assert.match(finding.cause, /No node has enough cpu: the pod asks for 100 CPUs, more than any node can offer \(at most 4 CPUs\)/);
  assert.match(finding.cause, /node-role\.kubernetes\.io\/control-plane:NoSchedule/);
  assert.ok(finding.evidence.some((e) => e.label === 'Event FailedScheduling (x4)'));
  assert.ok(finding.evidence.some((e) => e.text === 'the pod requests 100 CPUs of cpu; the largest node (podlab-worker) can allocate 4 CPUs'));
  const commands = finding.next.map((n) => n.command);
  assert.ok(commands.includes('kubectl describe pod too-big -n shop'));
  assert.ok(commands.includes('kubectl describe nodes'));
  assert.ok(commands.includes('kubectl taint nodes podlab-control-plane node-role.kubernetes.io/control-plane:NoSchedule-'));
});

test('Pending with only the PodScheduled condition (events expired) still explains', () => {
  const memory = pod('hungry', { containers: [{ name: 'app', resources: { requests: { memory: '16Gi' } } }] }, {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 Insufficient memory.' }],
  });
  const [finding] = diagnosePod({ pod: memory, events: [], nodes: [node('n1', { cpu: '4', memory: '8Gi' })], previousLogs: {} });
  assert.match(finding.cause, /asks for 16Gi, more than any node can offer \(at most 8Gi\)/);
});

test('Pending on a node selector points at the node labels', () => {
  const picky = pod('picky', { nodeSelector: { disktype: 'ssd' }, containers: [{ name: 'app' }] }, {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector." }],
  });
  const [finding] = diagnosePod({ pod: picky, events: [], nodes: [node('n1', { cpu: '4' })], previousLogs: {} });
  assert.match(finding.cause, /nodeSelector disktype=ssd/);
  assert.ok(finding.next.some((n) => n.command === 'kubectl get nodes --show-labels'));
});

test('Pending with no decision yet says the scheduler has not handled it', () => {
  const fresh = pod('fresh', { containers: [{ name: 'app' }] }, { phase: 'Pending' });
  const [finding] = diagnosePod({ pod: fresh, events: [], nodes: twoNodes, previousLogs: {} });
  assert.equal(finding.rule, 'pending-no-decision');
  assert.equal(finding.severity, 'info');
});

test('a scheduled pod gets no scheduling finding', () => {
  const placed = pod('placed', { nodeName: 'podlab-worker', containers: [{ name: 'app' }] }, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] });
  assert.deepEqual(diagnosePod({ pod: placed, events: [], nodes: twoNodes, previousLogs: {} }), []);
});

test('a request no node can hold gets a fix lowering it to a quarter of the largest node', async () => {
  const { diagnosePod } = await import('../../main/insight/diagnosePod.ts');
  const { event, pod, twoNodes } = await import('./ui-insight-fixtures.ts');
  const p = pod('too-big', { containers: [{ name: 'app', image: 'busybox:1.36', resources: { requests: { cpu: '100', memory: '64Mi' } } }] }, { phase: 'Pending' });
  const failed = event(p, 'FailedScheduling', '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.');
  const [finding] = diagnosePod({ pod: p, events: [failed], nodes: twoNodes, previousLogs: {} });
  assert.equal(finding!.fixes?.[0]?.title, 'Request 1000m of cpu for app instead of 100');
  assert.deepEqual(finding!.fixes?.[0]?.changes, [{ action: 'podSpec', patch: { containers: [{ name: 'app', resources: { requests: { cpu: '1000m' } } }] } }]);
});
