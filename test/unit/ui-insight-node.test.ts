import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnosePod } from '../../main/insight/diagnosePod.ts';
import type { NodeView } from '../../main/insight/podView.ts';
import { podHealth } from '../../renderer/podHealth.ts';
import { event, node, pod } from './ui-insight-fixtures.ts';

// As the node lifecycle controller leaves a node whose kubelet stopped posting status.
function unreachableNode(name: string): NodeView {
  const n = node(name, { cpu: '4', memory: '8Gi', pods: '110' });
  n.status!.conditions = [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: '2025-01-10T10:10:00Z' }];
  n.spec = {
    taints: [
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2025-01-10T10:10:05Z' },
    ],
  };
  return n;
}

// What DefaultTolerationSeconds adds to every pod.
const defaultTolerations = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

function runningOn(nodeName: string, owned: boolean) {
  const p = pod('web-1', { nodeName, tolerations: defaultTolerations, containers: [{ name: 'web', image: 'busybox:1.36' }] }, {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'False' }],
    containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: { running: { startedAt: '2025-01-10T10:00:00Z' } } }],
  });
  if (owned) p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f', uid: 'rs', controller: true }];
  return p;
}

test('a pod on an unreachable node: the node condition, the eviction time from its toleration, and the replacement by its controller', () => {
  const p = runningOn('node-2', true);
  const nodes = [unreachableNode('node-2')];
  const findings = diagnosePod({ pod: p, events: [event(p, 'NodeNotReady', 'Node is not ready')], nodes, previousLogs: {} }, new Date('2025-01-10T10:11:00Z'));
  const [finding] = findings;
  assert.equal(finding.rule, 'node-not-ready');
  assert.equal(finding.title, 'On unreachable node node-2');
  assert.match(finding.cause, /comes at 2025-01-10T10:15:05.000Z; then ReplicaSet web-5d8f creates a replacement/);
  assert.ok(finding.evidence.some((e) => e.text.startsWith('Unknown (NodeStatusUnknown): Kubelet stopped posting node status.')));
  assert.ok(finding.next.some((n) => n.command === 'kubectl describe node node-2'));
  assert.ok(finding.next.some((n) => n.command === 'podlab node start node-2'));
});

test('a raw pod on an unreachable node is said to be lost at eviction; a deleted one is stuck Terminating with the force delete', () => {
  const nodes = [unreachableNode('node-2')];
  const raw = runningOn('node-2', false);
  const [finding] = diagnosePod({ pod: raw, events: [], nodes, previousLogs: {} }, new Date('2025-01-10T10:20:00Z'));
  assert.match(finding.cause, /is due now; no controller owns it, so it is lost then/);

  raw.metadata.deletionTimestamp = '2025-01-10T10:16:00Z';
  const [stuck] = diagnosePod({ pod: raw, events: [], nodes, previousLogs: {} }, new Date('2025-01-10T10:20:00Z'));
  assert.equal(stuck.title, 'Terminating on unreachable node node-2');
  assert.ok(stuck.next.some((n) => n.command === 'kubectl delete pod web-1 -n shop --grace-period=0 --force'));
});

test('no node finding while the node is Ready', () => {
  const p = runningOn('podlab-worker', true);
  p.status!.conditions = [{ type: 'Ready', status: 'True' }];
  const findings = diagnosePod({ pod: p, events: [], nodes: [node('podlab-worker', { cpu: '4' })], previousLogs: {} }, new Date('2025-01-10T10:11:00Z'));
  assert.deepEqual(findings.map((f) => f.rule), []);
});

test('pod rows: Running 1/1 on an unreachable node is bad, Running 0/1 or Ready=False is a warning, a healthy pod stays ok', () => {
  const nodes = new Map([['node-2', unreachableNode('node-2')], ['podlab-worker', node('podlab-worker', { cpu: '4' })]]);
  assert.deepEqual(podHealth(runningOn('node-2', true), 'Running', '1/1', nodes), { tone: 'bad', note: 'node node-2 unreachable' });
  const notReady = runningOn('podlab-worker', true);
  assert.deepEqual(podHealth(notReady, 'Running', '1/1', nodes), { tone: 'warn', note: 'not ready' });
  notReady.status!.conditions = [{ type: 'Ready', status: 'True' }];
  assert.deepEqual(podHealth(notReady, 'Running', '0/1', nodes), { tone: 'warn', note: 'not ready' });
  assert.deepEqual(podHealth(notReady, 'Running', '1/1', nodes), { tone: 'ok' });
  assert.deepEqual(podHealth(notReady, 'CrashLoopBackOff', '0/1', nodes), { tone: 'bad' });
});

test('stopping a node names the pods replaced elsewhere, the DaemonSet pods that stay, and the raw pods that are lost', async () => {
  const { nodeStopQuestion } = await import('../../renderer/cluster/nodeStopImpact.ts');
  const owned = runningOn('node-2', true);
  const daemon = runningOn('node-2', true);
  daemon.metadata.name = 'logs-x';
  daemon.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'logs', uid: 'ds', controller: true }];
  const raw = runningOn('node-2', false);
  raw.metadata.name = 'scratch';
  const question = nodeStopQuestion('Stop', 'node-2', [owned, daemon, raw]);
  assert.match(question, /^Stop node node-2\? /);
  assert.match(question, /Replaced on another node by their controllers: shop\/web-1\./);
  assert.match(question, /DaemonSet pods that stay with the node: shop\/logs-x\./);
  assert.match(question, /No controller owns shop\/scratch: it is lost once evicted\.$/);
  assert.match(nodeStopQuestion('Remove', 'node-2', []), /No pods run on it\.$/);
});

test('a pod on a node whose kubelet cannot reach Docker: the runtime named, and Docker to check rather than the node to start', () => {
  const n = node('podlab-worker', { cpu: '4' });
  n.status!.conditions = [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down', lastTransitionTime: '2025-01-10T10:10:00Z' }];
  const [finding] = diagnosePod({ pod: runningOn('podlab-worker', true), events: [], nodes: [n], previousLogs: {} }, new Date('2025-01-10T10:11:00Z'));
  assert.equal(finding.title, 'On NotReady node podlab-worker');
  assert.match(finding.cause, /^The node podlab-worker is NotReady: its kubelet cannot reach its container runtime \(the Docker engine does not answer\)/);
  assert.ok(finding.evidence.some((e) => e.text.startsWith('False (KubeletNotReady): container runtime is down')));
  assert.ok(finding.next.some((n) => n.command === 'docker info'));
  assert.ok(!finding.next.some((n) => n.command.startsWith('podlab node start')));
});
