// pods/eviction as Kubernetes' EvictionREST answers it: a pod that is not
// running (Succeeded, Failed, Pending) or already being deleted goes
// without asking; otherwise the one PodDisruptionBudget that selects it must
// allow a disruption, which the eviction then takes (status.disruptionsAllowed
// down by one, the pod in status.disruptedPods) before the pod gets the
// DisruptionTarget condition and is deleted. A budget that does not allow it
// is a 429 the client retries (kubectl drain waits); more than one budget is
// a 500, as Kubernetes refuses it.

import type { KubeObject } from '../kube/meta.ts';
import { labelsMatch } from '../kube/labels/labelSelector.ts';
import { kubeTimestamp } from '../kube/time.ts';
import { errors } from './errors.ts';
import type { ResourceRegistry, WriteContext } from './registry/registry.ts';
import { labelSelectorObjectToRequirements, type LabelSelectorObject } from './validation/labelSelectorObject.ts';

interface Pdb extends KubeObject {
  spec?: { selector?: LabelSelectorObject; unhealthyPodEvictionPolicy?: string };
  status?: { disruptionsAllowed?: number; currentHealthy?: number; desiredHealthy?: number; observedGeneration?: number; disruptedPods?: Record<string, string> };
}

interface EvictionBody {
  deleteOptions?: { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string }; dryRun?: string[] };
}

export const budgetViolation = "Cannot evict pod as it would violate the pod's disruption budget.";

function phaseOf(pod: KubeObject): string | undefined {
  return (pod.status as { phase?: string } | undefined)?.phase;
}

function isReady(pod: KubeObject): boolean {
  return ((pod.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function selects(pdb: Pdb, pod: KubeObject): boolean {
  const selector = pdb.spec?.selector;
  // In policy/v1 a budget without a selector selects no pod, and an empty selector every pod of its namespace.
  if (!selector) return false;
  return labelsMatch(labelSelectorObjectToRequirements(selector) ?? [], pod.metadata.labels);
}

export async function evictPod(pods: ResourceRegistry, budgets: ResourceRegistry | undefined, namespace: string, name: string, body: unknown, ctx: WriteContext, now: () => Date): Promise<void> {
  const eviction = (body ?? {}) as EvictionBody;
  const options = { gracePeriodSeconds: eviction.deleteOptions?.gracePeriodSeconds, preconditions: eviction.deleteOptions?.preconditions };
  const pod = await pods.get(namespace, name);
  const phase = phaseOf(pod);
  const ignoreBudgets = pod.metadata.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending';
  if (!ignoreBudgets && budgets) {
    const matching = ((await budgets.list(namespace)).items as Pdb[]).filter((pdb) => selects(pdb, pod));
    if (matching.length > 1) throw errors.internal('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    const pdb = matching[0];
    // An unhealthy pod may go when the budget says AlwaysAllow, or when the budget is met anyway.
    const unhealthyMayGo = !isReady(pod) && (pdb?.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow' || (pdb?.status?.currentHealthy ?? 0) >= (pdb?.status?.desiredHealthy ?? 0));
    if (pdb && !unhealthyMayGo) await takeDisruption(budgets, pdb, name, ctx, now);
  }
  if (ctx.dryRun) return;
  // The pod is told why it goes before it goes (the DisruptionTarget condition).
  await pods
    .storageUpdate(namespace, name, (current) => {
      const status = (current.status ?? {}) as { conditions?: Array<Record<string, unknown>> };
      const conditions = (status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
      conditions.push({ type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: kubeTimestamp(now()), reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
      return { ...current, status: { ...status, conditions } };
    })
    .catch(() => undefined);
  await pods.delete(namespace, name, options, ctx);
}

/** Checks the budget allows one more disruption and takes it, retrying when another eviction wrote the budget first. */
async function takeDisruption(budgets: ResourceRegistry, stale: Pdb, podName: string, ctx: WriteContext, now: () => Date): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const pdb = (attempt === 0 ? stale : await budgets.get(stale.metadata.namespace ?? '', stale.metadata.name ?? '')) as Pdb;
    const status = pdb.status ?? {};
    if ((status.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) {
      throw errors.tooManyRequests(budgetViolation, [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} is still being processed by the server.` }]);
    }
    if ((status.disruptionsAllowed ?? 0) <= 0) {
      throw errors.tooManyRequests(budgetViolation, [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata.name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently` }]);
    }
    if (ctx.dryRun) return;
    const next = { ...pdb, status: { ...status, disruptionsAllowed: (status.disruptionsAllowed ?? 0) - 1, disruptedPods: { ...status.disruptedPods, [podName]: kubeTimestamp(now()) } } };
    try {
      await budgets.update(pdb.metadata.namespace ?? '', pdb.metadata.name ?? '', 'status', next, ctx);
      return;
    } catch (err) {
      if ((err as { status?: { reason?: string } }).status?.reason !== 'Conflict' || attempt >= 5) throw err;
    }
  }
}
