// The status apiextensions-apiserver's controllers give a CRD, as pure
// functions of the CRD (and the other CRDs of its group):
// - the naming controller: the names it is served under (acceptedNames) and
//   NamesAccepted, False with the conflict when another CRD of the group
//   holds a plural, singular, short name, kind or list kind it asks for;
// - the establishing controller: Established once the names are accepted;
// - the finalizer: the Terminating condition while its objects are deleted.
// Reasons and messages are those controllers' words.

import { kubeTimestamp } from '../../kube/time.ts';
import type { CustomResourceDefinition, CustomResourceDefinitionCondition, CustomResourceDefinitionNames, CustomResourceDefinitionStatus } from './types.ts';

export const cleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';

type ConditionFields = Omit<CustomResourceDefinitionCondition, 'lastTransitionTime'>;

export function findCondition(status: CustomResourceDefinitionStatus | undefined, type: string): CustomResourceDefinitionCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

export function isConditionTrue(status: CustomResourceDefinitionStatus | undefined, type: string): boolean {
  return findCondition(status, type)?.status === 'True';
}

/** SetCRDCondition: replaced by type, appended when new; lastTransitionTime moves only when the status changes. */
export function setCondition(status: CustomResourceDefinitionStatus, condition: ConditionFields, now: Date): CustomResourceDefinitionStatus {
  const conditions = [...(status.conditions ?? [])];
  const at = conditions.findIndex((c) => c.type === condition.type);
  const existing = at >= 0 ? conditions[at] : undefined;
  const lastTransitionTime = existing && existing.status === condition.status && existing.lastTransitionTime ? existing.lastTransitionTime : kubeTimestamp(now);
  const next: CustomResourceDefinitionCondition = { type: condition.type, status: condition.status, lastTransitionTime, reason: condition.reason, message: condition.message };
  if (existing && existing.status === next.status && existing.reason === next.reason && existing.message === next.message && existing.lastTransitionTime) return status;
  if (at >= 0) conditions[at] = next;
  else conditions.push(next);
  return { ...status, conditions };
}

export function removeCondition(status: CustomResourceDefinitionStatus, type: string): CustomResourceDefinitionStatus {
  return { ...status, conditions: (status.conditions ?? []).filter((c) => c.type !== type) };
}

// --- naming controller ---

const sameList = (a: string[] | undefined, b: string[] | undefined) => (a ?? []).length === (b ?? []).length && (a ?? []).every((v, i) => v === b?.[i]);

function sameNames(a: CustomResourceDefinitionNames | undefined, b: CustomResourceDefinitionNames | undefined): boolean {
  const x = a ?? ({} as Partial<CustomResourceDefinitionNames>);
  const y = b ?? ({} as Partial<CustomResourceDefinitionNames>);
  return (
    (x.plural ?? '') === (y.plural ?? '') &&
    (x.singular ?? '') === (y.singular ?? '') &&
    (x.kind ?? '') === (y.kind ?? '') &&
    (x.listKind ?? '') === (y.listKind ?? '') &&
    sameList(x.shortNames, y.shortNames) &&
    sameList(x.categories, y.categories)
  );
}

/** utilerrors.NewAggregate(...).Error(): one message alone, several (deduplicated) in brackets. */
function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

/** equalToAcceptedOrFresh: a name is fine when it is already ours or nobody in the group has it. */
function conflict(requested: string, accepted: string, used: Set<string>): string | undefined {
  if (requested === accepted || !used.has(requested)) return undefined;
  return `${JSON.stringify(requested)} is already in use`;
}

function compactNames(names: Partial<CustomResourceDefinitionNames>): CustomResourceDefinitionNames {
  const out: Record<string, unknown> = {};
  for (const key of ['plural', 'singular', 'shortNames', 'kind', 'listKind', 'categories'] as const) {
    const value = names[key];
    if (value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0)) out[key] = value;
  }
  return out as unknown as CustomResourceDefinitionNames;
}

/**
 * The naming controller's sync: the CRD's new status given every CRD of the
 * cluster (those of other groups are ignored; the CRD's own accepted names
 * count as taken, as the controller lists the CRD itself too). Established
 * starts False (NotAccepted, or Installing once the names are accepted).
 */
export function namingStatus(crd: CustomResourceDefinition, others: CustomResourceDefinition[], now: Date): CustomResourceDefinitionStatus {
  const status: CustomResourceDefinitionStatus = crd.status ?? {};
  const requested = crd.spec.names;
  if (sameNames(requested, status.acceptedNames)) return status;
  const group = [crd, ...others.filter((o) => o.metadata.name !== crd.metadata.name)].filter((o) => o.spec?.group === crd.spec.group);
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const other of group) {
    const names: Partial<CustomResourceDefinitionNames> = other.status?.acceptedNames ?? {};
    resources.add(names.plural ?? '');
    resources.add(names.singular ?? '');
    for (const short of names.shortNames ?? []) resources.add(short);
    kinds.add(names.kind ?? '');
    kinds.add(names.listKind ?? '');
  }

  const accepted: Partial<CustomResourceDefinitionNames> = status.acceptedNames ?? {};
  const next: Partial<CustomResourceDefinitionNames> = { ...accepted };
  let namesAccepted: ConditionFields = { type: 'NamesAccepted', status: 'Unknown' };
  const fail = (reason: string, message: string) => (namesAccepted = { type: 'NamesAccepted', status: 'False', reason, message });

  const check = (name: 'plural' | 'singular' | 'kind' | 'listKind', used: Set<string>, reason: string) => {
    const problem = conflict(requested[name] ?? '', accepted[name] ?? '', used);
    if (problem) fail(reason, problem);
    else next[name] = requested[name];
  };
  check('plural', resources, 'PluralConflict');
  check('singular', resources, 'SingularConflict');
  if (!sameList(requested.shortNames, accepted.shortNames)) {
    const ours = new Set(accepted.shortNames ?? []);
    const problems = (requested.shortNames ?? []).filter((s) => !ours.has(s)).flatMap((s) => conflict(s, '', resources) ?? []);
    if (problems.length > 0) fail('ShortNamesConflict', aggregate(problems));
    else next.shortNames = requested.shortNames;
  }
  check('kind', kinds, 'KindConflict');
  check('listKind', kinds, 'ListKindConflict');
  next.categories = requested.categories;
  if (namesAccepted.status === 'Unknown') namesAccepted = { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' };

  let established: ConditionFields = findCondition(status, 'Established') ?? { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' };
  if (established.status !== 'True' && namesAccepted.status === 'True') {
    established = { type: 'Established', status: 'False', reason: 'Installing', message: 'the initial names have been accepted' };
  }

  const acceptedNames = compactNames(next);
  const current = findCondition(status, 'NamesAccepted');
  const unchanged = sameNames(acceptedNames, status.acceptedNames) && current?.status === namesAccepted.status && current?.reason === namesAccepted.reason && current?.message === namesAccepted.message;
  if (unchanged) return status;
  let updated: CustomResourceDefinitionStatus = { ...status, acceptedNames };
  updated = setCondition(updated, namesAccepted, now);
  const { lastTransitionTime: _, ...establishedFields } = established as CustomResourceDefinitionCondition;
  return setCondition(updated, establishedFields, now);
}

// --- establishing controller ---

/** The establishing controller: a CRD whose names are accepted becomes Established. */
export function establishedStatus(status: CustomResourceDefinitionStatus, now: Date): CustomResourceDefinitionStatus {
  if (!isConditionTrue(status, 'NamesAccepted') || isConditionTrue(status, 'Established')) return status;
  return setCondition(status, { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }, now);
}

/** Both controllers in turn, as they act one after the other on a new or renamed CRD. */
export function acceptNames(crd: CustomResourceDefinition, others: CustomResourceDefinition[], now: Date): CustomResourceDefinitionStatus {
  return establishedStatus(namingStatus(crd, others, now), now);
}

// --- deletion (REST.Delete and the CRD finalizer) ---

/** The Terminating condition at each step of a CRD's deletion. */
export const terminating = {
  /** REST.Delete, on the first DELETE. */
  pending: (): ConditionFields => ({ type: 'Terminating', status: 'True', reason: 'InstanceDeletionPending', message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon' }),
  inProgress: (): ConditionFields => ({ type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }),
  completed: (): ConditionFields => ({ type: 'Terminating', status: 'False', reason: 'InstanceDeletionCompleted', message: 'removed all instances' }),
  neverEstablished: (): ConditionFields => ({ type: 'Terminating', status: 'False', reason: 'NeverEstablished', message: 'resource was never established' }),
  listFailed: (err: string): ConditionFields => ({ type: 'Terminating', status: 'True', reason: 'InstanceDeletionFailed', message: `could not list instances: ${err}` }),
  deleteFailed: (err: string): ConditionFields => ({ type: 'Terminating', status: 'True', reason: 'InstanceDeletionFailed', message: `could not issue all deletes: ${err}` }),
  /** Instances still there after the finalizer's minute of polling (wait.PollImmediate's timeout error). */
  remaining: (err = 'timed out waiting for the condition'): ConditionFields => ({ type: 'Terminating', status: 'True', reason: 'InstanceDeletionCheck', message: `could not confirm zero CustomResources remaining: ${err}` }),
};
