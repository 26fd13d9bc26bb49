// What changed in a pod template from one rollout revision to the next, in
// words a person scans: "web image busybox:1.36 → busybox:1.37", "web env",
// "restarted". `kubectl rollout history` shows only a change-cause nobody
// sets any more; this says what actually differs.

import { deepEqual } from '../kube/deepEqual.ts';

type Json = Record<string, unknown>;

export interface TemplateShape {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Json;
}

const restartedAt = 'kubectl.kubernetes.io/restartedAt';
/** Labels the controllers add to name a revision, not part of what the user changed. */
const revisionLabels = new Set(['pod-template-hash', 'controller-revision-hash']);

function containersOf(spec: Json | undefined, field: string): Map<string, Json> {
  const list = Array.isArray(spec?.[field]) ? (spec![field] as Json[]) : [];
  return new Map(list.map((c) => [String(c.name ?? ''), c]));
}

function containerChanges(before: Map<string, Json>, after: Map<string, Json>, init: boolean): string[] {
  const changes: string[] = [];
  const label = (name: string) => (init ? `init container ${name}` : name);
  for (const [name, next] of after) {
    const previous = before.get(name);
    if (!previous) {
      changes.push(`${label(name)} added`);
      continue;
    }
    for (const key of new Set([...Object.keys(previous), ...Object.keys(next)])) {
      if (deepEqual(previous[key], next[key])) continue;
      changes.push(key === 'image' ? `${label(name)} image ${String(previous.image ?? '')} → ${String(next.image ?? '')}` : `${label(name)} ${key}`);
    }
  }
  for (const name of before.keys()) if (!after.has(name)) changes.push(`${label(name)} removed`);
  return changes;
}

/** The differences from `before` to `after`; empty when they are the same template. */
export function templateChanges(before: TemplateShape | undefined, after: TemplateShape | undefined): string[] {
  const changes: string[] = [];
  const annotationsBefore = before?.metadata?.annotations ?? {};
  const annotationsAfter = after?.metadata?.annotations ?? {};
  if (annotationsBefore[restartedAt] !== annotationsAfter[restartedAt] && annotationsAfter[restartedAt]) changes.push(`restarted at ${annotationsAfter[restartedAt]}`);
  const otherAnnotations = (a: Record<string, string>) => Object.fromEntries(Object.entries(a).filter(([k]) => k !== restartedAt));
  if (!deepEqual(otherAnnotations(annotationsBefore), otherAnnotations(annotationsAfter))) changes.push('annotations');
  const labels = (l: Record<string, string> | undefined) => Object.fromEntries(Object.entries(l ?? {}).filter(([k]) => !revisionLabels.has(k)));
  if (!deepEqual(labels(before?.metadata?.labels), labels(after?.metadata?.labels))) changes.push('labels');
  changes.push(...containerChanges(containersOf(before?.spec, 'initContainers'), containersOf(after?.spec, 'initContainers'), true));
  changes.push(...containerChanges(containersOf(before?.spec, 'containers'), containersOf(after?.spec, 'containers'), false));
  for (const key of new Set([...Object.keys(before?.spec ?? {}), ...Object.keys(after?.spec ?? {})])) {
    if (key === 'containers' || key === 'initContainers') continue;
    if (!deepEqual(before?.spec?.[key], after?.spec?.[key])) changes.push(key);
  }
  return changes;
}
