import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterProblems } from '../../main/insight/problems.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import type { PodView } from '../../main/insight/podView.ts';
import { event, pod, twoNodes } from './ui-insight-fixtures.ts';

const now = new Date('2025-01-10T10:06:00Z');
const goodContainer = {
  name: 'web',
  image: 'busybox:1.36',
  ports: [{ containerPort: 8080 }],
  readinessProbe: { tcpSocket: { port: 8080 } },
  resources: { requests: { cpu: '50m', memory: '16Mi' }, limits: { memory: '32Mi' } },
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
};

function replicaOf(deploymentUid: string, n: number): { rs: KubeObject; pod: PodView } {
  const rs: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'shop', uid: 'rs-1', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: deploymentUid, controller: true }] } };
  const p = pod(`web-abc-${n}`, { containers: [goodContainer], securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } } } as never, { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] });
  p.metadata.labels = { app: 'web' };
  p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-1', controller: true }];
  return { rs, pod: p };
}

test('problems: findings per pod, advice once per workload, errors first', () => {
  const deployment: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', uid: 'dep-1' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } } } } as never;
  const a = replicaOf('dep-1', 1);
  const b = replicaOf('dep-1', 2);
  const broken = pod('bad-image', { nodeName: 'podlab-worker', containers: [{ name: 'app', image: 'busybox:no-such-tag' }] }, {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "busybox:no-such-tag"' } } }],
  });
  const problems = clusterProblems({ pods: [a.pod, b.pod, broken], events: [event(broken, 'Failed', 'Failed to pull image: manifest unknown')], nodes: twoNodes, replicaSets: [a.rs], workloads: [deployment], disruptionBudgets: [] }, now);
  assert.equal(problems[0]!.finding.rule, 'image-pull');
  assert.deepEqual(problems[0]!.subject, { kind: 'Pod', namespace: 'shop', name: 'bad-image', pod: 'bad-image' });
  const workloadAdvice = problems.filter((p) => p.subject.kind === 'Deployment');
  assert.deepEqual(workloadAdvice.map((p) => p.finding.rule), ['practice-disruption'], 'two replicas, advised once');
  assert.ok(problems.some((p) => p.subject.name === 'bad-image' && p.finding.rule === 'practice-controller'));

  const budget: KubeObject = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } } as never;
  const covered = clusterProblems({ pods: [a.pod], events: [], nodes: twoNodes, replicaSets: [a.rs], workloads: [deployment], disruptionBudgets: [budget] }, now);
  assert.deepEqual(covered, []);
});
