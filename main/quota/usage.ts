// What an object counts against a ResourceQuota, as Kubernetes' quota
// evaluators count it: a pod its count and its requests and limits (under
// both `requests.cpu` and the older `cpu`), any other object its count
// (`count/deployments.apps`, and the older `configmaps`, `services`,
// `services.nodeports` ... for core kinds). Scopes decide which pods a
// quota sees: its scopes and scopeSelector (PriorityClass In/NotIn, ...).

import type { KubeObject } from '../kube/meta.ts';
import { podResourceList, type PodSpecResources } from '../kube/podResources.ts';
import { addQuantities, parseQuantity, type Quantity } from '../kube/quantity.ts';

export type Usage = Map<string, Quantity>;

const one = () => parseQuantity('1');
const legacyCounts = new Set(['configmaps', 'secrets', 'services', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas']);

interface AffinityTerm {
  namespaces?: string[];
  namespaceSelector?: unknown;
}

interface PodShape {
  spec?: PodSpecResources & {
    activeDeadlineSeconds?: number;
    priorityClassName?: string;
    affinity?: Record<'podAffinity' | 'podAntiAffinity', { requiredDuringSchedulingIgnoredDuringExecution?: AffinityTerm[]; preferredDuringSchedulingIgnoredDuringExecution?: Array<{ podAffinityTerm?: AffinityTerm }> } | undefined>;
  };
  status?: { phase?: string };
}

export function isTerminalPod(pod: KubeObject): boolean {
  const phase = (pod as PodShape).status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function isBestEffort(pod: KubeObject): boolean {
  const spec = (pod as PodShape).spec ?? {};
  return podResourceList(spec, 'requests').size === 0 && podResourceList(spec, 'limits').size === 0;
}

export interface ScopedQuotaSpec {
  scopes?: string[];
  scopeSelector?: { matchExpressions?: Array<{ scopeName: string; operator: string; values?: string[] }> };
}

/** Whether the pod is in one scope (PodMatchesScopeFunc): PriorityClass with In/NotIn compares its class name. */
function podInScope(pod: KubeObject, scope: string, operator = 'Exists', values: string[] = []): boolean {
  const spec = (pod as PodShape).spec ?? {};
  switch (scope) {
    case 'Terminating':
      return spec.activeDeadlineSeconds !== undefined;
    case 'NotTerminating':
      return spec.activeDeadlineSeconds === undefined;
    case 'BestEffort':
      return isBestEffort(pod);
    case 'NotBestEffort':
      return !isBestEffort(pod);
    case 'PriorityClass': {
      const name = spec.priorityClassName ?? '';
      if (operator === 'In') return values.includes(name);
      if (operator === 'NotIn') return !values.includes(name);
      if (operator === 'DoesNotExist') return name === '';
      return name !== '';
    }
    case 'CrossNamespacePodAffinity':
      return usesCrossNamespaceAffinity(spec);
    default:
      return false;
  }
}

/** Affinity terms that reach other namespaces (namespaces or a namespaceSelector). */
function usesCrossNamespaceAffinity(spec: NonNullable<PodShape['spec']>): boolean {
  const terms = [spec.affinity?.podAffinity, spec.affinity?.podAntiAffinity].flatMap((a) => [
    ...(a?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
    ...(a?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm ?? {}),
  ]);
  return terms.some((t) => (t.namespaces?.length ?? 0) > 0 || t.namespaceSelector !== undefined);
}

/** Whether a quota counts the pod: every listed scope and every scopeSelector expression holds. */
export function podMatchesQuota(pod: KubeObject, spec: ScopedQuotaSpec | undefined): boolean {
  if ((spec?.scopes ?? []).some((scope) => !podInScope(pod, scope))) return false;
  return (spec?.scopeSelector?.matchExpressions ?? []).every((e) => {
    // DoesNotExist on a boolean scope: the pod is outside it (PriorityClass answers it itself).
    if (e.operator === 'DoesNotExist' && e.scopeName !== 'PriorityClass') return !podInScope(pod, e.scopeName);
    return podInScope(pod, e.scopeName, e.operator, e.values ?? []);
  });
}

export function podUsage(pod: KubeObject): Usage {
  const usage: Usage = new Map([
    ['pods', one()],
    ['count/pods', one()],
  ]);
  const spec = (pod as PodShape).spec ?? {};
  for (const [name, q] of podResourceList(spec, 'requests')) {
    usage.set(`requests.${name}`, q);
    if (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage') usage.set(name, q);
  }
  for (const [name, q] of podResourceList(spec, 'limits')) usage.set(`limits.${name}`, q);
  return usage;
}

/** The usage of any object of `group`/`plural`: pods by their resources, everything else by count. */
export function objectUsage(group: string, plural: string, obj: KubeObject): Usage {
  if (group === '' && plural === 'pods') return podUsage(obj);
  const usage: Usage = new Map([[`count/${plural}${group ? `.${group}` : ''}`, one()]]);
  if (group === '' && legacyCounts.has(plural)) usage.set(plural, one());
  if (group === '' && plural === 'services') {
    const type = (obj as { spec?: { type?: string } }).spec?.type;
    if (type === 'NodePort' || type === 'LoadBalancer') usage.set('services.nodeports', one());
    if (type === 'LoadBalancer') usage.set('services.loadbalancers', one());
  }
  return usage;
}

export function addUsage(into: Usage, more: Usage): void {
  for (const [name, q] of more) {
    const had = into.get(name);
    into.set(name, had ? addQuantities(had, q) : q);
  }
}
