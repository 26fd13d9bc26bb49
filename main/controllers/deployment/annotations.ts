// The annotations a Deployment keeps on its ReplicaSets (and its own
// revision): revision numbers and the revisions a ReplicaSet held before a
// rollback brought it back, the Deployment's desired and maximum replica
// counts the ReplicaSet was sized for, and the Deployment's own annotations
// (change-cause...) copied over so `kubectl rollout history` shows them.

import type { Deployment, ReplicaSet } from '../shared/types.ts';

export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';

/** Never copied from a Deployment to its ReplicaSets. */
const annotationsToSkip = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  revisionAnnotation,
  revisionHistoryAnnotation,
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  'deprecated.deployment.rollback.to',
]);

const maxRevisionHistoryChars = 2000;

function parseInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return undefined;
  return Number(value);
}

/** Revision(): 0 without the annotation, undefined when it is not a number. */
export function revisionOf(rs: ReplicaSet): number | undefined {
  const value = rs.metadata.annotations?.[revisionAnnotation];
  return value === undefined ? 0 : parseInteger(value);
}

/** MaxRevision: the highest readable revision. */
export function maxRevision(rss: ReplicaSet[]): number {
  return rss.reduce((max, rs) => Math.max(max, revisionOf(rs) ?? 0), 0);
}

export function desiredReplicasOf(rs: ReplicaSet): number | undefined {
  return parseInteger(rs.metadata.annotations?.[desiredReplicasAnnotation]);
}

export function maxReplicasOf(rs: ReplicaSet): number | undefined {
  return parseInteger(rs.metadata.annotations?.[maxReplicasAnnotation]);
}

function annotationsOf(obj: ReplicaSet | Deployment): Record<string, string> {
  obj.metadata.annotations ??= {};
  return obj.metadata.annotations;
}

function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  const target = annotationsOf(rs);
  let changed = false;
  for (const [key, value] of Object.entries(d.metadata.annotations ?? {})) {
    if (annotationsToSkip.has(key) || target[key] === value) continue;
    target[key] = value;
    changed = true;
  }
  return changed;
}

/** SetReplicasAnnotations: true when something changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = annotationsOf(rs);
  let changed = false;
  if (annotations[desiredReplicasAnnotation] !== String(desired)) {
    annotations[desiredReplicasAnnotation] = String(desired);
    changed = true;
  }
  if (annotations[maxReplicasAnnotation] !== String(max)) {
    annotations[maxReplicasAnnotation] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = rs.metadata.annotations ?? {};
  return annotations[desiredReplicasAnnotation] !== String(desired) || annotations[maxReplicasAnnotation] !== String(max);
}

/**
 * SetNewReplicaSetAnnotations: copies the Deployment's annotations, raises the
 * revision to `newRevision` (keeping the old one in revision-history when a
 * rollback revives this ReplicaSet) and, for a ReplicaSet about to be created,
 * the replica annotations (desired, and desired + `surge`). True when something changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, surge: number): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const annotations = annotationsOf(rs);
  const oldRevision = annotations[revisionAnnotation];
  let oldRevisionNumber = 0;
  if (oldRevision !== undefined) {
    const parsed = parseInteger(oldRevision);
    if (parsed === undefined) {
      if (oldRevision !== '') return false;
    } else {
      oldRevisionNumber = parsed;
    }
  }
  if (oldRevisionNumber < newRevision) {
    annotations[revisionAnnotation] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) {
      const history = annotations[revisionHistoryAnnotation] ?? '';
      let previous = history.split(',');
      if (previous[0].length === 0) {
        annotations[revisionHistoryAnnotation] = oldRevision;
      } else {
        let total = history.length + oldRevision.length + 1;
        let start = 0;
        while (total > maxRevisionHistoryChars && start < previous.length) {
          total -= previous[start].length + 1;
          start++;
        }
        if (total <= maxRevisionHistoryChars) {
          previous = [...previous.slice(start), oldRevision];
          annotations[revisionHistoryAnnotation] = previous.join(',');
        }
      }
    }
  }
  const desired = d.spec.replicas ?? 1;
  if (!exists && setReplicasAnnotations(rs, desired, desired + surge)) changed = true;
  return changed;
}

/** SetDeploymentRevision: true when the Deployment's revision annotation changed. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const annotations = annotationsOf(d);
  if (annotations[revisionAnnotation] === revision) return false;
  annotations[revisionAnnotation] = revision;
  return true;
}
