// The numbers a rollout is made of (deployment/util/deployment_util.go):
// how far a rolling update may surge above and dip below the desired count,
// how big the new ReplicaSet may grow now, and how a resized Deployment's
// replicas are shared out among its ReplicaSets.

import { roundHalfAwayFromZero, scaledValue } from '../shared/intOrPercent.ts';
import type { Deployment, ReplicaSet } from '../shared/types.ts';
import { maxReplicasOf } from './annotations.ts';

export function desiredReplicas(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

export function rsReplicas(rs: ReplicaSet): number {
  return rs.spec.replicas ?? 1;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** ResolveFenceposts: maxSurge rounds up, maxUnavailable down; both 0 would deadlock, so unavailable becomes 1. */
export function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const rolling = d.spec.strategy?.rollingUpdate;
  const desired = desiredReplicas(d);
  const surge = scaledValue(rolling?.maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(rolling?.maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, desired);
}

/** GetReplicaCountForReplicaSets: the replicas the ReplicaSets are asked for. */
export function specReplicaCount(rss: ReplicaSet[]): number {
  return rss.reduce((sum, rs) => sum + rsReplicas(rs), 0);
}

/** GetActualReplicaCountForReplicaSets: the replicas they have. */
export function actualReplicaCount(rss: ReplicaSet[]): number {
  return rss.reduce((sum, rs) => sum + (rs.status?.replicas ?? 0), 0);
}

export function readyReplicaCount(rss: ReplicaSet[]): number {
  return rss.reduce((sum, rs) => sum + (rs.status?.readyReplicas ?? 0), 0);
}

export function availableReplicaCount(rss: ReplicaSet[]): number {
  return rss.reduce((sum, rs) => sum + (rs.status?.availableReplicas ?? 0), 0);
}

/** NewRSNewReplicas: what the new ReplicaSet may be scaled to now. */
export function newRSNewReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return desiredReplicas(d);
  const desired = desiredReplicas(d);
  const surge = scaledValue(d.spec.strategy?.rollingUpdate?.maxSurge, desired, true);
  const current = specReplicaCount(allRSs);
  const maxTotal = desired + surge;
  if (current >= maxTotal) return rsReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, desired - rsReplicas(newRS));
  return rsReplicas(newRS) + scaleUp;
}

/** getReplicaSetFraction: this ReplicaSet's share of a resize, from the size it was given for the max-replicas it was sized against. */
function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (desiredReplicas(d) === 0) return -rsReplicas(rs);
  const deploymentReplicas = desiredReplicas(d) + maxSurge(d);
  const annotated = maxReplicasOf(rs) ?? d.status?.replicas ?? 0;
  // Go would divide by zero here; nothing sensible follows from it.
  if (annotated <= 0) return 0;
  const newSize = (rsReplicas(rs) * deploymentReplicas) / annotated;
  return roundHalfAwayFromZero(newSize) - rsReplicas(rs);
}

/** GetProportion: how many replicas to add to (or remove from) `rs` in a proportional resize, never beyond what is left to hand out. */
export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}
