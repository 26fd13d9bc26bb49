// The debugger's fixes, built as data: what to create, or how the pod's spec
// changes (applied to whatever owns the pod's template). Pure, like the
// rules: the main side previews them with a server dry run before the user
// sees them.

import type { Fix } from '../../preload/api.ts';
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
