// The problems view's computation over a cluster of 2,000 pods: 200
// Deployments of 9 healthy replicas each and 200 broken bare pods (image
// pulls failing, with their events), timed as the view computes it.

import { performance } from 'node:perf_hooks';
import { clusterProblems, type ClusterObjects } from '../../main/insight/problems.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import type { EventView, PodView } from '../../main/insight/podView.ts';
import { stats, type Stats } from './measures.ts';

export interface ProblemsBenchResult {
  pods: number;
  problems: number;
  computeMs: Stats;
}

function syntheticCluster(): ClusterObjects {
  const pods: PodView[] = [];
  const events: EventView[] = [];
  const replicaSets: KubeObject[] = [];
  const workloads: KubeObject[] = [];
  const container = { name: 'web', image: 'busybox:1.36', ports: [{ containerPort: 8080 }], readinessProbe: { tcpSocket: { port: 8080 } }, resources: { requests: { cpu: '50m', memory: '16Mi' }, limits: { memory: '32Mi' } } };
  for (let d = 0; d < 200; d++) {
    const namespace = `team-${d % 20}`;
    workloads.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `app-${d}`, namespace, uid: `dep-${d}` }, spec: { replicas: 9, selector: { matchLabels: { app: `app-${d}` } } } } as never);
    replicaSets.push({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `app-${d}-rs`, namespace, uid: `rs-${d}`, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: `app-${d}`, uid: `dep-${d}`, controller: true }] } });
    for (let r = 0; r < 9; r++) {
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `app-${d}-rs-${r}`, namespace, uid: `pod-${d}-${r}`, labels: { app: `app-${d}` }, creationTimestamp: '2026-01-01T00:00:00Z', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `app-${d}-rs`, uid: `rs-${d}`, controller: true }] },
        spec: { nodeName: `node-${r}`, containers: [container] },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: { running: { startedAt: '2026-01-01T00:00:05Z' } } }] },
      });
    }
  }
  for (let b = 0; b < 200; b++) {
    const uid = `broken-${b}`;
    pods.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `broken-${b}`, namespace: `team-${b % 20}`, uid, creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { nodeName: 'node-1', containers: [{ name: 'app', image: `registry.example/app:${b}` }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } } }] },
    });
    events.push({ apiVersion: 'v1', kind: 'Event', metadata: { name: `broken-${b}.1`, namespace: `team-${b % 20}` }, involvedObject: { kind: 'Pod', name: `broken-${b}`, uid }, reason: 'Failed', message: 'Failed to pull image: manifest unknown', type: 'Warning', count: 3, lastTimestamp: '2026-01-01T00:01:00Z' });
  }
  const nodes = Array.from({ length: 10 }, (_, i) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}` }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }));
  return { pods, events, nodes, replicaSets, workloads, disruptionBudgets: [] };
}

export function benchProblems(runs = 20): ProblemsBenchResult {
  const cluster = syntheticCluster();
  const now = new Date('2026-01-01T00:05:00Z');
  let problems = 0;
  clusterProblems(cluster, now); // warm-up: the Pod Security check tables are built once
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    problems = clusterProblems(cluster, now).length;
    samples.push(performance.now() - start);
  }
  return { pods: cluster.pods.length, problems, computeMs: stats(samples) };
}
