// A program that stops because an environment variable is empty says so:
// `error: DATABASE_URL is not set`. When the container takes that variable
// from a ConfigMap key marked optional, the key (or the whole ConfigMap) is
// what is missing: the kubelet started the container without it instead of
// refusing. The fix adds the key, with a placeholder value to edit.

import type { FixChange } from '../../preload/api.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { PodView } from './podView.ts';

const unsetWords = /\b([A-Z_][A-Z0-9_]*)\b[^\n]*?\b(?:is not set|is unset|not set|is empty|must be set|is required|is not defined|undefined)\b/;

export interface MissingKey {
  variable: string;
  configMap: string;
  key: string;
  /** Whether the ConfigMap exists (then only its key is missing). */
  exists: boolean;
  line: string;
}

type Json = Record<string, unknown>;
const asList = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const asObject = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

/** The variable a log line says is unset, when the container reads it from a ConfigMap key that is not there. */
export function missingConfigKey(pod: PodView, container: string, lines: string[], configMaps: KubeObject[]): MissingKey | undefined {
  const env = asList(asList((pod.spec as Json | undefined)?.containers).find((c) => c.name === container)?.env);
  for (const line of [...lines].reverse()) {
    const variable = unsetWords.exec(line)?.[1];
    const ref = variable && asObject(asObject(env.find((e) => e.name === variable)?.valueFrom).configMapKeyRef);
    if (!ref || typeof ref.name !== 'string' || typeof ref.key !== 'string') continue;
    const object = configMaps.find((c) => c.metadata.name === ref.name) as (KubeObject & { data?: Record<string, string> }) | undefined;
    if (object?.data?.[ref.key]) continue;
    return { variable: variable!, configMap: ref.name, key: ref.key, exists: object !== undefined, line };
  }
  return undefined;
}

export const placeholderValue = 'change-me';

/** Create the ConfigMap with the key, or add the key to the one there. */
export function addKeyChange(missing: MissingKey, namespace: string, configMaps: KubeObject[]): FixChange {
  if (!missing.exists) return { action: 'create', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: missing.configMap, namespace }, data: { [missing.key]: placeholderValue } } as KubeObject };
  const existing = configMaps.find((c) => c.metadata.name === missing.configMap) as KubeObject & { data?: Record<string, string> };
  const key = missing.key.replace(/~/g, '~0').replace(/\//g, '~1');
  return {
    action: 'patch',
    target: { apiVersion: 'v1', kind: 'ConfigMap', name: missing.configMap, namespace },
    // The resourceVersion test keeps the patch from landing on a ConfigMap someone changed since.
    patch: [
      { op: 'test', path: '/metadata/resourceVersion', value: existing.metadata.resourceVersion },
      existing.data ? { op: 'add', path: `/data/${key}`, value: placeholderValue } : { op: 'add', path: '/data', value: { [missing.key]: placeholderValue } },
    ],
  };
}
