// What an object counts against a ResourceQuota, as Kubernetes' quota
// evaluators count it: a pod its count and its requests and limits (under
// both `requests.cpu` and the older `cpu`), any other object its count
// (`count/deployments.apps`, and the older `configmaps`, `services`,
// `services.nodeports` ... for core kinds). Scopes decide which pods a
// quota sees.

import type { KubeObject } from '../kube/meta.ts';
import { podResourceList, type PodSpecResources } from '../kube/podResources.ts';
import { addQuantities, parseQuantity, type Quantity } from '../kube/quantity.ts';

export type Usage = Map<string, Quantity>;

const one = () => parseQuantity('1');
const legacyCounts = new Set(['configmaps', 'secrets', 'services', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas']);

interface PodShape {
  spec?: PodSpecResources & { activeDeadlineSeconds?: number };
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

/** Whether a quota with these scopes counts the pod. */
export function podMatchesScopes(pod: KubeObject, scopes: string[]): boolean {
  const terminating = (pod as PodShape).spec?.activeDeadlineSeconds !== undefined;
  return scopes.every((scope) => {
    switch (scope) {
      case 'Terminating':
        return terminating;
      case 'NotTerminating':
        return !terminating;
      case 'BestEffort':
        return isBestEffort(pod);
      case 'NotBestEffort':
        return !isBestEffort(pod);
      default:
        return true;
    }
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
