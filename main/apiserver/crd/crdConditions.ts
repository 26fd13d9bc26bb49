// The status apiextensions' naming controller gives a CRD: the names it is
// served under (acceptedNames), NamesAccepted when no other CRD of its group
// holds one of them, and Established once its names are accepted.

import { kubeTimestamp } from '../../kube/time.ts';
import type { CustomResourceDefinition, CustomResourceDefinitionCondition, CustomResourceDefinitionNames } from './types.ts';

export const cleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';

type CrdStatus = NonNullable<CustomResourceDefinition['status']>;

/** SetCRDCondition: a condition replaced by type; lastTransitionTime moves only when its status changes. */
export function setCondition(status: CrdStatus, condition: Omit<CustomResourceDefinitionCondition, 'lastTransitionTime'>, now: Date): CrdStatus {
  const conditions = [...(status.conditions ?? [])];
  const at = conditions.findIndex((c) => c.type === condition.type);
  const existing = at >= 0 ? conditions[at] : undefined;
  const lastTransitionTime = existing && existing.status === condition.status && existing.lastTransitionTime ? existing.lastTransitionTime : kubeTimestamp(now);
  const next = { type: condition.type, status: condition.status, lastTransitionTime, reason: condition.reason, message: condition.message };
  if (existing && existing.status === next.status && existing.reason === next.reason && existing.message === next.message) return status;
  if (at >= 0) conditions[at] = next;
  else conditions.push(next);
  return { ...status, conditions };
}

function namesOf(names: CustomResourceDefinitionNames | undefined): string[] {
  if (!names) return [];
  return [names.plural, names.singular, ...(names.shortNames ?? [])].filter((n): n is string => !!n);
}

/** The new status of `crd` given the other CRDs: accepted names, NamesAccepted and Established (naming_controller + establishing). */
export function acceptNames(crd: CustomResourceDefinition, others: CustomResourceDefinition[], now: Date): CrdStatus {
  const requested: CustomResourceDefinitionNames = { ...crd.spec.names, listKind: crd.spec.names.listKind ?? `${crd.spec.names.kind}List`, singular: crd.spec.names.singular || crd.spec.names.kind.toLowerCase() };
  const sameGroup = others.filter((o) => o.spec.group === crd.spec.group && !o.metadata.deletionTimestamp);
  const taken = new Set(sameGroup.flatMap((o) => namesOf(o.status?.acceptedNames)));
  const takenKinds = new Set(sameGroup.flatMap((o) => [o.status?.acceptedNames?.kind, o.status?.acceptedNames?.listKind]).filter(Boolean));
  let status: CrdStatus = { ...(crd.status ?? {}) };
  let conflict: { reason: string; message: string } | undefined;
  if (taken.has(requested.plural)) conflict = { reason: 'PluralConflict', message: `"${requested.plural}" is already in use` };
  else if (requested.singular && taken.has(requested.singular)) conflict = { reason: 'SingularConflict', message: `"${requested.singular}" is already in use` };
  else if (requested.shortNames?.some((n) => taken.has(n))) conflict = { reason: 'ShortNamesConflict', message: `"${requested.shortNames.find((n) => taken.has(n))}" is already in use` };
  else if (takenKinds.has(requested.kind)) conflict = { reason: 'KindConflict', message: `"${requested.kind}" is already in use` };
  else if (takenKinds.has(requested.listKind)) conflict = { reason: 'ListKindConflict', message: `"${requested.listKind}" is already in use` };
  if (conflict) {
    status = setCondition(status, { type: 'NamesAccepted', status: 'False', ...conflict }, now);
    if (!status.conditions?.some((c) => c.type === 'Established')) status = setCondition(status, { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' }, now);
  } else {
    status.acceptedNames = requested;
    status = setCondition(status, { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' }, now);
    status = setCondition(status, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }, now);
  }
  const storage = crd.spec.versions.find((v) => v.storage)?.name;
  const stored = status.storedVersions ?? [];
  if (storage && !stored.includes(storage)) status.storedVersions = [...stored, storage];
  return status;
}
