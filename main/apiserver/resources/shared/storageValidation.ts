// Validation pieces PersistentVolumes and PersistentVolumeClaims share
// (pkg/apis/core/validation): access modes, storage quantities, volume modes
// and storage class names.

import type { FieldError } from '../../../kube/meta.ts';
import { parseQuantity, QuantityParseError } from '../../../kube/quantity.ts';
import { accessModes } from '../../../kube/storage/volumeHelpers.ts';
import { forbidden, invalid, notSupported, required } from '../../validation/fieldErrors.ts';
import { isDNS1123Subdomain } from '../../validation/names.ts';

/** accessModes: at least one (the detail differs between PV and PVC), each supported, ReadWriteOncePod alone. */
export function validateAccessModes(modes: unknown[], field: string, requiredDetail: string): FieldError[] {
  if (modes.length === 0) return [required(field, requiredDetail)];
  const errs: FieldError[] = [];
  for (const mode of modes) {
    if (!(accessModes as readonly unknown[]).includes(mode)) errs.push(notSupported(field, mode, accessModes));
  }
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) errs.push(forbidden(field, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** validateBasicResource + ValidatePositiveQuantityValue for a storage size. */
export function validatePositiveQuantity(value: unknown, field: string): FieldError[] {
  try {
    const q = parseQuantity(String(value));
    return q.nano > 0n ? [] : [invalid(field, String(value), 'must be greater than zero')];
  } catch (error) {
    if (error instanceof QuantityParseError) return [invalid(field, String(value), error.message)];
    throw error;
  }
}

export function validateVolumeMode(mode: unknown, field: string): FieldError[] {
  if (mode === undefined || mode === null) return [];
  return mode === 'Block' || mode === 'Filesystem' ? [] : [notSupported(field, mode, ['Block', 'Filesystem'])];
}

export function validateStorageClassName(name: unknown, field: string): FieldError[] {
  if (typeof name !== 'string' || name === '') return [];
  return isDNS1123Subdomain(name).map((msg) => invalid(field, name, msg));
}
