// Fields no manager owns. Type and server-owned metadata are stripped from
// every set (stripMetaManager); and each write ignores the fields its
// subresource resets (the strategy's GetResetFields): the main resource of a
// kind with a status subresource does not own status, a status write owns only
// status, a scale write only the replicas field.

import { FieldSet } from './fieldSet.ts';
import type { FieldPath } from './pathElement.ts';
import type { IgnoreFilter } from './updater.ts';

const f = (...names: string[]): FieldPath => names.map((field) => ({ field }));

const stripped = FieldSet.of(
  f('apiVersion'),
  f('kind'),
  f('metadata'),
  f('metadata', 'name'),
  f('metadata', 'namespace'),
  f('metadata', 'creationTimestamp'),
  f('metadata', 'selfLink'),
  f('metadata', 'uid'),
  f('metadata', 'clusterName'),
  f('metadata', 'generation'),
  f('metadata', 'managedFields'),
  f('metadata', 'resourceVersion'),
);

export function stripMeta(set: FieldSet): FieldSet {
  return set.difference(stripped);
}

const status = FieldSet.of(f('status'));

function onlyUnder(set: FieldSet, field: string): FieldSet {
  const is = (e: { field?: string }) => e.field === field;
  return new FieldSet(
    set.members.filter((m) => is(m as { field?: string })),
    set.children.filter((c) => is(c.element as { field?: string })),
  );
}

export interface WriteScope {
  /** '' for the main resource, 'status', or 'scale'. */
  subresource: string;
  /** The kind has a status subresource (its main resource then resets status). */
  hasStatusSubresource: boolean;
  /** The replicas field a scale write sets (`.spec.replicas`). */
  replicasPath?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The part of an object whose comparison can survive the write's reset-fields
 * filter: a status write compares only status, a main-resource write of a
 * kind with a status subresource everything but status. What the filter
 * drops is then never walked (a pod's status write no longer compares its
 * spec, most of the pod). Undefined when the whole object is compared.
 */
export function comparedPart(scope: WriteScope): ((obj: unknown) => unknown) | undefined {
  if (scope.subresource === 'status') return (obj) => (isRecord(obj) ? (obj.status === undefined ? {} : { status: obj.status }) : obj);
  if (scope.subresource === '' && scope.hasStatusSubresource) {
    return (obj) => {
      if (!isRecord(obj) || !('status' in obj)) return obj;
      const { status: _status, ...rest } = obj;
      return rest;
    };
  }
  return undefined;
}

export function resetFieldsFilter(scope: WriteScope): IgnoreFilter {
  if (scope.subresource === 'status') return (set) => onlyUnder(set, 'status');
  if (scope.subresource === 'scale') {
    const replicas = FieldSet.of(f(...(scope.replicasPath ?? '.spec.replicas').replace(/^\./, '').split('.')));
    return (set) => set.intersection(replicas);
  }
  if (scope.hasStatusSubresource) return (set) => set.recursiveDifference(status);
  return (set) => set;
}
