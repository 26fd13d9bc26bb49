// The debugger's fixes, built as data: what to create, or how the pod's spec
// changes (applied to whatever owns the pod's template). Pure, like the
// rules: the main side previews them with a server dry run before the user
// sees them.

import type { Fix, FixChange } from '../../preload/api.ts';
import type { KubeObject } from '../kube/meta.ts';

/** A strategic merge patch of one container (containers merge by name). */
export function containerSpecFix(title: string, explanation: string, container: string, fields: Record<string, unknown>, init = false): Fix {
  return { title, explanation, changes: [{ action: 'podSpec', patch: { [init ? 'initContainers' : 'containers']: [{ name: container, ...fields }] } }] };
}

export function podSpecFix(title: string, explanation: string, patch: Record<string, unknown>): Fix {
  return { title, explanation, changes: [{ action: 'podSpec', patch }] };
}

export function createFix(title: string, explanation: string, objects: KubeObject[]): Fix {
  return { title, explanation, changes: objects.map((object) => ({ action: 'create' as const, object })) };
}

/** The name a person gave the pod's workload: its top controller (the Deployment over a ReplicaSet), else the pod's own name. */
export function workloadName(pod: KubeObject, owners: KubeObject[] = []): string {
  const top = owners[owners.length - 1];
  if (top?.metadata.name) return top.metadata.name;
  const ref = pod.metadata.ownerReferences?.find((o) => o.controller);
  // A ReplicaSet's name is its Deployment's plus the template hash.
  if (ref?.kind === 'ReplicaSet') return ref.name.replace(/-[a-z0-9]{6,10}$/, '');
  return ref?.name ?? pod.metadata.name ?? 'app';
}

/** Fixes that restart the pod where restarting is what it needs: a pod no controller owns is created again (an empty spec change replaces it). */
export function replacePodChange(): FixChange {
  return { action: 'podSpec', patch: {} };
}
