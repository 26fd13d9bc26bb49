// The parts of Pod and Node the scheduler reads, typed over the plain JSON
// objects the API server stores. Objects handed to the scheduler are never
// mutated: the cache and the plugins memoize derived values per object.

import type { KubeObject } from '../kube/meta.ts';

/** Quantities travel as strings (`100m`, `1Gi`); JSON numbers are accepted as Kubernetes accepts them. */
export type ResourceList = Record<string, string | number>;

export type { Container, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodCondition, PodSpec, PodStatus, PreferredSchedulingTerm, Taint, Toleration, NodeSpec, NodeStatus, NodeCondition, ResourceRequirements } from '../kube/types/core-v1.ts';
import type { Node as NodeObject, Pod as PodObject, PodSpec as PodSpecObject } from '../kube/types/core-v1.ts';

/** A stored pod: the API server always gives it a spec. */
export type Pod = PodObject & KubeObject & { spec: PodSpecObject };
export type Node = NodeObject & KubeObject;

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''}`;
}
