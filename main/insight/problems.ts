// Every problem in the cluster at once: each pod's findings (the debugger's
// rules, with the logs of the few pods worth reading where they were read),
// and the best-practice advice once per workload rather than once per replica. Pure and linear in the pods, so it
// stays fast for thousands of them.

import type { Problem } from '../../preload/api.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { AuthorizationDenial } from '../apiserver/auth/denialLog.ts';
import { bestPractices } from './bestPractices.ts';
import { podServiceAccount } from './rbacDenied.ts';
import { objectProblems, type ObjectProblemInput } from './objectProblems.ts';
import { rules } from './diagnosePod.ts';
import type { EventView, NodeView, PodView } from './podView.ts';
import type { SeenDenial } from './rule.ts';

export type { Problem };

export interface ClusterObjects extends Partial<Omit<ObjectProblemInput, 'pods' | 'eventsByUid' | 'podCreators' | 'deployments'>> {
  pods: PodView[];
  events: EventView[];
  nodes: NodeView[];
  /** ReplicaSets (to find the Deployment above a pod), Deployments and StatefulSets (replicas, selector), PodDisruptionBudgets. */
  replicaSets: KubeObject[];
  workloads: KubeObject[];
  disruptionBudgets: KubeObject[];
  /** The API server's recent RBAC denials of a user, where the API server is PodLab's. */
  denials?: (user: string) => AuthorizationDenial[];
  /** Elsewhere, what the logs of the pods worth reading told, by pod uid: their finished instances' last lines and the denials they quote. */
  podLogs?: Map<string, { previousLogs: Record<string, string[]>; denials: SeenDenial[] }>;
}

interface WorkloadSpec {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
}

const severityRank = { error: 0, warning: 1, info: 2 };

function controllerOf(object: KubeObject) {
  return object.metadata.ownerReferences?.find((o) => o.controller);
}

/** Each matchLabels-only budget's labels; a pod is covered when one's labels are all on it. */
function budgetSelectors(budgets: KubeObject[]): Array<Record<string, string> | 'other'> {
  return budgets.map((b) => {
    const selector = (b as KubeObject & { spec?: WorkloadSpec }).spec?.selector;
    return selector?.matchLabels && !selector.matchExpressions?.length ? selector.matchLabels : 'other';
  });
}

export function clusterProblems(objects: ClusterObjects, now: Date): Problem[] {
  const eventsByUid = new Map<string, EventView[]>();
  for (const event of objects.events) {
    const uid = event.involvedObject?.uid;
    if (!uid) continue;
    const list = eventsByUid.get(uid);
    if (list) list.push(event);
    else eventsByUid.set(uid, [event]);
  }
  const replicaSets = new Map(objects.replicaSets.map((rs) => [rs.metadata.uid ?? '', rs]));
  const workloads = new Map(objects.workloads.map((w) => [w.metadata.uid ?? '', w]));
  const budgets = budgetSelectors(objects.disruptionBudgets);
  const budgetNamespaces = objects.disruptionBudgets.map((b) => b.metadata.namespace);
  const problems: Problem[] = [];
  const advisedWorkloads = new Set<string>();

  // Newest pods first, so a workload's advice comes from its newest replica.
  const pods = [...objects.pods].sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? ''));
  for (const pod of pods) {
    const namespace = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    const podSubject = { kind: 'Pod', namespace, name, pod: name };
    const logged = objects.podLogs?.get(pod.metadata.uid ?? '');
    const input = { pod, events: eventsByUid.get(pod.metadata.uid ?? '') ?? [], nodes: objects.nodes, previousLogs: logged?.previousLogs ?? {}, denials: logged?.denials ?? objects.denials?.(podServiceAccount(pod).user) };
    for (const rule of rules) for (const finding of rule(input, now)) problems.push({ subject: podSubject, finding });

    let ref = controllerOf(pod);
    if (ref?.kind === 'ReplicaSet') {
      const above = controllerOf(replicaSets.get(ref.uid) ?? { metadata: {} });
      if (above?.kind === 'Deployment') ref = above;
    }
    const key = ref ? ref.uid : `pod/${namespace}/${name}`;
    if (advisedWorkloads.has(key)) continue;
    advisedWorkloads.add(key);
    const workload = ref ? (workloads.get(ref.uid) as (KubeObject & { spec?: WorkloadSpec }) | undefined) : undefined;
    const selector = workload?.spec?.selector;
    const plain = selector?.matchLabels && !selector.matchExpressions?.length ? selector.matchLabels : undefined;
    const disruptionBudget = budgets.some((b, i) => budgetNamespaces[i] === namespace && (b === 'other' || Object.entries(b).every(([k, v]) => pod.metadata.labels?.[k] === v)));
    const owner = ref && { kind: ref.kind, name: ref.name, replicas: workload?.spec?.replicas, ...(plain && { selector: plain }) };
    const subject = ref ? { kind: ref.kind, namespace, name: ref.name, pod: name } : podSubject;
    for (const finding of bestPractices({ pod, owner, disruptionBudget })) problems.push({ subject, finding });
  }
  problems.push(
    ...objectProblems({
      podCreators: [...objects.replicaSets, ...objects.workloads.filter((w) => w.kind === 'StatefulSet'), ...(objects.daemonSets ?? []), ...(objects.jobs ?? [])],
      deployments: new Map(objects.workloads.filter((w) => w.kind === 'Deployment').map((d) => [d.metadata.uid ?? '', d])),
      services: objects.services ?? [],
      pods: objects.pods,
      jobs: objects.jobs ?? [],
      cronJobs: objects.cronJobs ?? [],
      daemonSets: objects.daemonSets ?? [],
      claims: objects.claims ?? [],
      ingresses: objects.ingresses ?? [],
      eventsByUid,
    }),
  );
  return problems.sort((a, b) => severityRank[a.finding.severity] - severityRank[b.finding.severity]);
}
