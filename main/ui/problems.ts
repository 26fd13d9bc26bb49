// The problems view's data: one list per kind it reads, then the pure
// computation over all of them.

import type { Problem } from '../../preload/api.ts';
import type { KubeClient } from '../kube/client/types.ts';
import { clusterProblems } from '../insight/problems.ts';
import type { EventView, NodeView, PodView } from '../insight/podView.ts';

export async function listProblems(client: KubeClient, namespace: string | undefined, now = new Date()): Promise<Problem[]> {
  const list = (group: string, plural: string, ns = namespace) => client.resource({ group, version: 'v1', plural }).list(ns).then((l) => l.items);
  const [pods, events, nodes, replicaSets, deployments, statefulSets, disruptionBudgets] = await Promise.all([
    list('', 'pods'),
    list('', 'events'),
    list('', 'nodes', undefined),
    list('apps', 'replicasets'),
    list('apps', 'deployments'),
    list('apps', 'statefulsets'),
    list('policy', 'poddisruptionbudgets'),
  ]);
  return clusterProblems(
    { pods: pods as PodView[], events: events as EventView[], nodes: nodes as NodeView[], replicaSets, workloads: [...deployments, ...statefulSets], disruptionBudgets },
    now,
  );
}
