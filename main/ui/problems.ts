// The problems view's data: one list per kind it reads, then the pure
// computation over all of them.

import type { Problem } from '../../preload/api.ts';
import { isApiError, type KubeClient } from '../kube/client/types.ts';
import { clusterProblems } from '../insight/problems.ts';
import type { EventView, NodeView, PodView } from '../insight/podView.ts';

export async function listProblems(client: KubeClient, namespace: string | undefined, now = new Date()): Promise<Problem[]> {
  // A kind the user may not list (RBAC on someone else's cluster) or the server does not serve counts as none.
  const list = (group: string, plural: string, ns = namespace) =>
    client
      .resource({ group, version: 'v1', plural })
      .list(ns)
      .then(
        (l) => l.items,
        (err) => (isApiError(err) && (err.code === 403 || err.code === 404) ? [] : Promise.reject(err)),
      );
  const [pods, events, nodes, replicaSets, deployments, statefulSets, disruptionBudgets, services, jobs, cronJobs, daemonSets, claims, ingresses] = await Promise.all([
    list('', 'pods'),
    list('', 'events'),
    list('', 'nodes', undefined),
    list('apps', 'replicasets'),
    list('apps', 'deployments'),
    list('apps', 'statefulsets'),
    list('policy', 'poddisruptionbudgets'),
    list('', 'services'),
    list('batch', 'jobs'),
    list('batch', 'cronjobs'),
    list('apps', 'daemonsets'),
    list('', 'persistentvolumeclaims'),
    list('networking.k8s.io', 'ingresses'),
  ]);
  return clusterProblems(
    {
      pods: pods as PodView[],
      events: events as EventView[],
      nodes: nodes as NodeView[],
      replicaSets,
      workloads: [...deployments, ...statefulSets],
      disruptionBudgets,
      services,
      jobs,
      cronJobs,
      daemonSets,
      claims,
      ingresses,
    },
    now,
  );
}
