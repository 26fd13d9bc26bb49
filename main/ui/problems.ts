// The problems view's data: one list per kind it reads, the logs of the few
// pods worth reading on clusters PodLab does not run, then the pure
// computation over all of them.

import type { Problem } from '../../preload/api.ts';
import { isApiError } from '../kube/client/types.ts';
import type { ClusterConnection } from './uiHost.ts';
import { refusalProblems } from '../insight/admissionRefusals.ts';
import { personsRefusals } from './admissionDiagnosis.ts';
import { clusterProblems } from '../insight/problems.ts';
import { loggedEvidence } from './loggedDenials.ts';
import type { EventView, NodeView, PodView } from '../insight/podView.ts';

export async function listProblems(connection: ClusterConnection, namespace: string | undefined, now = new Date()): Promise<Problem[]> {
  const { client } = connection;
  // Items of a list carry no kind over HTTP (kube-apiserver leaves it to the list): stamp it, the rules name objects by it.
  // A kind the user may not list (RBAC on someone else's cluster) or the server does not serve counts as none.
  const list = (group: string, plural: string, kind: string, ns = namespace) =>
    client
      .resource({ group, version: 'v1', plural })
      .list(ns)
      .then(
        (l) => l.items.map((item) => ({ ...item, kind, apiVersion: group ? `${group}/v1` : 'v1' })),
        (err) => (isApiError(err) && (err.code === 403 || err.code === 404) ? [] : Promise.reject(err)),
      );
  const [pods, events, nodes, replicaSets, deployments, statefulSets, disruptionBudgets, services, jobs, cronJobs, daemonSets, claims, ingresses] = await Promise.all([
    list('', 'pods', 'Pod'),
    list('', 'events', 'Event'),
    list('', 'nodes', 'Node', undefined),
    list('apps', 'replicasets', 'ReplicaSet'),
    list('apps', 'deployments', 'Deployment'),
    list('apps', 'statefulsets', 'StatefulSet'),
    list('policy', 'poddisruptionbudgets', 'PodDisruptionBudget'),
    list('', 'services', 'Service'),
    list('batch', 'jobs', 'Job'),
    list('batch', 'cronjobs', 'CronJob'),
    list('apps', 'daemonsets', 'DaemonSet'),
    list('', 'persistentvolumeclaims', 'PersistentVolumeClaim'),
    list('networking.k8s.io', 'ingresses', 'Ingress'),
  ]);
  // Only PodLab's API server remembers who was refused; elsewhere controllers' FailedCreate events tell, below.
  const refused = refusalProblems(await personsRefusals(connection, namespace, now), now);
  // Only PodLab's API server remembers RBAC denials; elsewhere the logs of the pods in trouble quote them.
  const podLogs = await loggedEvidence(connection, pods as PodView[], events as EventView[], now);
  const severityRank = { error: 0, warning: 1, info: 2 };
  return [...refused, ...clusterProblems(
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
      denials: connection.denials,
      podLogs,
    },
    now,
  )].sort((a, b) => severityRank[a.finding.severity] - severityRank[b.finding.severity]);
}
