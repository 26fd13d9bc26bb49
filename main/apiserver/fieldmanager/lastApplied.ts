// The move from client-side to server-side apply. `kubectl apply` (client
// side) records its configuration in the last-applied-configuration
// annotation and owns fields as the Update manager
// `kubectl-client-side-apply`. When `kubectl apply --server-side` (manager
// "kubectl") then changes those fields, Kubernetes lets it take them without a
// conflict where the annotation still matches the live object
// (lastAppliedManager), and keeps the annotation in step with what kubectl
// applies (lastAppliedUpdater), so going back to client-side apply works too.

import type { KubeObject } from '../../kube/meta.ts';
import { compare } from './compare.ts';
import type { FieldSet } from './fieldSet.ts';
import { goJson, type JsonValue } from './pathElement.ts';
import type { SmdType } from './schemaType.ts';
import { toFieldSet } from './toFieldSet.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** The manager whose applies take part in the move. */
export const kubectlApplier = 'kubectl';

// apimachinery's TotalAnnotationSizeLimitB.
const totalAnnotationSizeLimit = 256 * 1024;

export function hasLastApplied(obj: KubeObject): boolean {
  return !!obj.metadata?.annotations?.[lastAppliedAnnotation];
}

/**
 * allowedConflictsFromLastApplied: the fields the annotation records whose
 * live value is still the recorded one; undefined when there is no usable
 * annotation (none, not JSON, or another apiVersion).
 */
export function allowedConflictsFromLastApplied(live: KubeObject, apiVersion: string, type: SmdType): FieldSet | undefined {
  const text = live.metadata?.annotations?.[lastAppliedAnnotation];
  if (!text) return undefined;
  let recorded: unknown;
  try {
    recorded = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!recorded || typeof recorded !== 'object' || Array.isArray(recorded)) return undefined;
  if ((recorded as KubeObject).apiVersion !== apiVersion) return undefined;
  const comparison = compare(recorded, live, type);
  return toFieldSet(recorded, type).difference(comparison.modified).difference(comparison.added).difference(comparison.removed);
}

/** Go's json.Marshal of an unstructured object: map keys sorted, HTML characters escaped. */
function goMarshal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goMarshal).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${goJson(k)}:${goMarshal(v)}`).join(',')}}`;
  }
  return goJson((value ?? null) as JsonValue);
}

/** buildLastApplied: the applied configuration without the annotation itself, as the unstructured JSON encoder writes it (with its newline). */
export function buildLastApplied(config: KubeObject): string {
  const copy = deepCopy(config);
  // Emptied annotations stay as `{}`, as Unstructured.SetAnnotations leaves them.
  if (copy.metadata?.annotations) Reflect.deleteProperty(copy.metadata.annotations, lastAppliedAnnotation);
  return `${goMarshal(copy)}\n`;
}

/** SetLastApplied: records `value`, unless the annotations would then be over Kubernetes' size limit. */
export function setLastApplied(obj: KubeObject, value: string): void {
  const annotations: Record<string, string> = { ...(obj.metadata.annotations ?? {}), [lastAppliedAnnotation]: value };
  const size = Object.entries(annotations).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (size > totalAnnotationSizeLimit) Reflect.deleteProperty(annotations, lastAppliedAnnotation);
  obj.metadata.annotations = annotations;
}
