// IgnoreManagedFieldsTimestampsTransformer: a write whose only change is the
// time of a managedFields entry keeps the stored entries, so a no-op update
// or apply stays a no-op (no new resourceVersion, no watch event).

import { deepEqual } from '../../kube/deepEqual.ts';
import type { KubeObject, ManagedFieldsEntry } from '../../kube/meta.ts';

function withoutTime(e: ManagedFieldsEntry): ManagedFieldsEntry {
  const { time: _t, ...rest } = e;
  return rest;
}

function withoutManagedFields(obj: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

export function keepTimestampsWhenUnchanged(updated: KubeObject, live: KubeObject | undefined): void {
  const now = updated.metadata.managedFields;
  const before = live?.metadata.managedFields;
  if (!live || !now || !before || now.length !== before.length) return;
  if (!now.every((e, i) => deepEqual(withoutTime(e), withoutTime(before[i])))) return;
  if (!deepEqual(withoutManagedFields(updated), withoutManagedFields(live))) return;
  updated.metadata.managedFields = before;
}
