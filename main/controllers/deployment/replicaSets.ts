// How a Deployment tells its ReplicaSets apart: the new one runs the current
// template (whatever its pod-template-hash), the others are old; orderings
// by age and size; and which ReplicaSet a plain resize goes to.

import { semanticEqual } from '../../apiserver/validation/fieldErrors.ts';
import { parseTime } from '../shared/time.ts';
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../shared/types.ts';
import { desiredReplicasOf, revisionOf } from './annotations.ts';
import { desiredReplicas, rsReplicas } from './replicaArithmetic.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

export const podTemplateHashLabel = 'pod-template-hash';

/** ReplicaSetsByCreationTimestamp: older first, then by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const ta = parseTime(a.metadata.creationTimestamp) ?? 0;
  const tb = parseTime(b.metadata.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** ReplicaSetsBySizeOlder: bigger first, older first among equals. */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return rsReplicas(b) - rsReplicas(a) || byCreation(a, b);
}

/** ReplicaSetsBySizeNewer: bigger first, newer first among equals. */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return rsReplicas(b) - rsReplicas(a) || byCreation(b, a);
}

/** ReplicaSetsByRevision: lower revision first, then older. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a);
  const rb = revisionOf(b);
  if (ra === undefined || rb === undefined || ra === rb) return byCreation(a, b);
  return ra - rb;
}

/** EqualIgnoreHash: the same pod template, whatever pod-template-hash label either carries. */
export function equalIgnoreHash(t1: PodTemplateSpec, t2: PodTemplateSpec): boolean {
  const strip = (t: PodTemplateSpec) => {
    const copy = deepCopy(t);
    if (copy.metadata?.labels) delete copy.metadata.labels[podTemplateHashLabel];
    return copy;
  };
  return semanticEqual(strip(t1), strip(t2));
}

/** FindNewReplicaSet: the oldest ReplicaSet running the Deployment's template. */
export function findNewReplicaSet(d: Deployment, rsList: ReplicaSet[]): ReplicaSet | undefined {
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** FindOldReplicaSets: every other ReplicaSet, and those of them that still have replicas. */
export function findOldReplicaSets(d: Deployment, rsList: ReplicaSet[]): { withReplicas: ReplicaSet[]; all: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, rsList);
  const all = rsList.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
  return { withReplicas: all.filter((rs) => rsReplicas(rs) !== 0), all };
}

/** FilterActiveReplicaSets: the ones that ought to have pods. */
export function activeReplicaSets(rss: Array<ReplicaSet | undefined>): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => !!rs && rsReplicas(rs) > 0);
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active; undefined when several are. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** IsSaturated: the new ReplicaSet has, and is sized and annotated for, all the Deployment's replicas. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasOf(rs);
  if (desired === undefined) return false;
  return rsReplicas(rs) === desiredReplicas(d) && desired === desiredReplicas(d) && (rs.status?.availableReplicas ?? 0) === desiredReplicas(d);
}
