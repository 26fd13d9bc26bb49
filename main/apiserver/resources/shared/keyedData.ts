// ConfigMaps and Secrets hold key/value data: keys must be valid config
// keys, the whole payload fits in 1 MiB, and `immutable: true` freezes it.

import type { FieldError, KubeObject } from '../../../kube/meta.ts';
import { forbidden, invalid, semanticEqual } from '../../validation/fieldErrors.ts';
import { isConfigMapKey } from '../../validation/names.ts';

export const maxDataSizeBytes = 1024 * 1024;

export function validateDataKeys(data: Record<string, unknown> | undefined, path: string): FieldError[] {
  return Object.keys(data ?? {}).flatMap((key) => isConfigMapKey(key).map((msg) => invalid(`${path}[${key}]`, key, msg)));
}

/** Once immutable, always immutable, and the listed fields no longer change. */
export function validateImmutableData(obj: KubeObject, old: KubeObject, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (obj.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const field of fields) {
    if (!semanticEqual(obj[field], old[field])) errs.push(forbidden(field, 'field is immutable when `immutable` is set'));
  }
  return errs;
}
