// What every Deployment sync shares (deployment/sync.go): finding or creating
// the new ReplicaSet and keeping revisions in step, scaling ReplicaSets with
// the ScalingReplicaSet events Kubernetes words, proportional scaling when the
// Deployment is resized mid-rollout, cleaning up old ReplicaSets beyond
// revisionHistoryLimit, and writing the Deployment's status.

import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import type { Clock } from '../../kube/clock.ts';
import { isNamespaceTerminating } from '../shared/apiErrors.ts';
import { newControllerRef, controllerRefOf } from '../shared/controllerRef.ts';
import { deploymentKind } from '../shared/resources.ts';
import { computeHash } from '../shared/hash.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import { timestampOf } from '../shared/time.ts';
import type { Deployment, ReplicaSet } from '../shared/types.ts';
import {
  desiredReplicasOf,
  maxRevision,
  replicasAnnotationsNeedUpdate,
  revisionAnnotation,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from './annotations.ts';
import { newCondition, Progressing, reasons, setCondition } from './conditions.ts';
import { calculateStatus, deploymentStatusJson, hasProgressDeadline, normalizedStatus } from './deploymentStatus.ts';
import { desiredReplicas, isRollingUpdate, maxSurge, newRSNewReplicas, proportion, rsReplicas, specReplicaCount } from './replicaArithmetic.ts';
import { activeReplicaSets, byRevision, bySizeNewer, bySizeOlder, equalIgnoreHash, findActiveOrLatest, findNewReplicaSet, findOldReplicaSets, isSaturated, podTemplateHashLabel } from './replicaSets.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

export interface DeploymentSyncContext {
  replicaSets: ResourceClient<ReplicaSet>;
  deployments: ResourceClient<Deployment>;
  rsCache: SharedInformer<ReplicaSet>;
  deploymentCache: SharedInformer<Deployment>;
  recorder: EventRecorder;
  clock: Clock;
  requeueAfter(d: Deployment, ms: number): void;
  requeueRateLimited(d: Deployment): void;
}

export interface ReplicaSetSplit {
  newRS?: ReplicaSet;
  /** All old ReplicaSets, with or without replicas. */
  oldRSs: ReplicaSet[];
}

export function allOf(split: ReplicaSetSplit): ReplicaSet[] {
  return split.newRS ? [...split.oldRSs, split.newRS] : split.oldRSs;
}

const mergePatch = 'application/merge-patch+json';

/**
 * Writes `d.status`. Kubernetes' status writes also carry metadata, which is
 * how the Deployment's revision annotation travels; PodLab's status writes
 * keep metadata as stored, so a changed revision is patched on first.
 */
export async function writeDeploymentStatus(ctx: DeploymentSyncContext, d: Deployment): Promise<void> {
  const ns = d.metadata.namespace;
  const name = d.metadata.name ?? '';
  const revision = d.metadata.annotations?.[revisionAnnotation];
  if (revision !== undefined && ctx.deploymentCache.get(ns, name)?.metadata.annotations?.[revisionAnnotation] !== revision) {
    const patched = await ctx.deployments.patch(ns, name, mergePatch, { metadata: { annotations: { [revisionAnnotation]: revision } } });
    d.metadata.resourceVersion = patched.metadata.resourceVersion;
  }
  const updated = await ctx.deployments.updateStatus(ns, { ...d, status: deploymentStatusJson(d.status ?? {}) });
  d.metadata.resourceVersion = updated.metadata.resourceVersion;
}

/** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when asked and missing) and every old one. */
export async function getAllReplicaSetsAndSyncRevision(ctx: DeploymentSyncContext, d: Deployment, rsList: ReplicaSet[], createIfMissing: boolean): Promise<ReplicaSetSplit> {
  const { all: oldRSs } = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(ctx, d, rsList, oldRSs, createIfMissing);
  return { newRS, oldRSs };
}

async function getNewReplicaSet(ctx: DeploymentSyncContext, d: Deployment, rsList: ReplicaSet[], oldRSs: ReplicaSet[], createIfMissing: boolean): Promise<ReplicaSet | undefined> {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = maxRevision(oldRSs) + 1;
  const now = timestampOf(ctx.clock);
  if (existing) {
    const copy = deepCopy(existing);
    const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true, maxSurge(d));
    if (annotationsUpdated || (copy.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)) {
      copy.spec.minReadySeconds = d.spec.minReadySeconds ?? 0;
      return ctx.replicaSets.update(copy.metadata.namespace, copy);
    }
    let needsUpdate = setDeploymentRevision(d, copy.metadata.annotations?.[revisionAnnotation] ?? '');
    d.status ??= {};
    if (hasProgressDeadline(d) && !d.status.conditions?.some((c) => c.type === Progressing)) {
      setCondition(d.status, newCondition(Progressing, 'True', reasons.foundNewReplicaSet, `Found new replica set "${copy.metadata.name}"`, now));
      needsUpdate = true;
    }
    if (needsUpdate) await writeDeploymentStatus(ctx, d);
    return copy;
  }
  if (!createIfMissing) return undefined;

  const template = deepCopy(d.spec.template);
  const hash = computeHash(template, d.status?.collisionCount);
  const labels = { ...(template.metadata?.labels ?? {}), [podTemplateHashLabel]: hash };
  template.metadata = { ...(template.metadata ?? {}), labels };
  const rsName = `${d.metadata.name}-${hash}`;
  const newRS: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: rsName, namespace: d.metadata.namespace, ownerReferences: [newControllerRef(d, deploymentKind)], labels: { ...labels } },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec.minReadySeconds ?? 0,
      selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [podTemplateHashLabel]: hash } },
      template,
    },
  };
  const newReplicas = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec.replicas = newReplicas;
  setNewReplicaSetAnnotations(d, newRS, newRevision, false, maxSurge(d));

  let created: ReplicaSet;
  let alreadyExists = false;
  try {
    created = await ctx.replicaSets.create(d.metadata.namespace, newRS);
  } catch (err) {
    if (isApiError(err, 'AlreadyExists')) {
      const found = ctx.rsCache.get(d.metadata.namespace, rsName);
      if (!found) throw err;
      if (controllerRefOf(found)?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, found.spec.template)) {
        created = found;
        alreadyExists = true;
      } else {
        // Another object holds the name this template hashes to: hash again with a bumped collision count.
        d.status ??= {};
        d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
        await writeDeploymentStatus(ctx, d).catch(() => undefined);
        throw err;
      }
    } else if (isNamespaceTerminating(err)) {
      throw err;
    } else {
      const message = `Failed to create new replica set "${rsName}": ${(err as Error).message}`;
      if (hasProgressDeadline(d)) {
        d.status ??= {};
        setCondition(d.status, newCondition(Progressing, 'False', reasons.replicaSetCreateError, message, now));
        await writeDeploymentStatus(ctx, d).catch(() => undefined);
      }
      ctx.recorder.event(d, 'Warning', reasons.replicaSetCreateError, message);
      throw err;
    }
  }
  if (!alreadyExists && newReplicas > 0) {
    ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${newReplicas}`);
  }
  let needsUpdate = setDeploymentRevision(d, String(newRevision));
  if (!alreadyExists && hasProgressDeadline(d)) {
    d.status ??= {};
    setCondition(d.status, newCondition(Progressing, 'True', reasons.newReplicaSetCreated, `Created new replica set "${created.metadata.name}"`, now));
    needsUpdate = true;
  }
  if (needsUpdate) await writeDeploymentStatus(ctx, d);
  return created;
}

/** scaleReplicaSet: resizes `rs` (and keeps its replica annotations current); the event only when the size changed. */
async function scaleReplicaSet(ctx: DeploymentSyncContext, rs: ReplicaSet, newScale: number, d: Deployment, operation: string): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const desired = desiredReplicas(d);
  const max = desired + maxSurge(d);
  const sizeNeedsUpdate = rsReplicas(rs) !== newScale;
  if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const oldScale = rsReplicas(rs);
  const copy = deepCopy(rs);
  copy.spec.replicas = newScale;
  setReplicasAnnotations(copy, desired, max);
  const updated = await ctx.replicaSets.update(copy.metadata.namespace, copy);
  if (sizeNeedsUpdate) {
    ctx.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${operation} replica set ${updated.metadata.name} from ${oldScale} to ${newScale}`);
  }
  return { scaled: sizeNeedsUpdate, rs: updated };
}

export async function scaleReplicaSetAndRecordEvent(ctx: DeploymentSyncContext, rs: ReplicaSet, newScale: number, d: Deployment): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  if (rsReplicas(rs) === newScale) return { scaled: false, rs };
  return scaleReplicaSet(ctx, rs, newScale, d, rsReplicas(rs) < newScale ? 'up' : 'down');
}

/**
 * scale: a resize outside a rollout goes to the one active ReplicaSet; with
 * several active ones mid-rollout, the new replicas (or the removed ones) are
 * shared out in proportion to each ReplicaSet's size.
 */
export async function scale(ctx: DeploymentSyncContext, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (rsReplicas(activeOrLatest) === desiredReplicas(d)) return;
    await scaleReplicaSetAndRecordEvent(ctx, activeOrLatest, desiredReplicas(d), d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) await scaleReplicaSetAndRecordEvent(ctx, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const allRSs = activeReplicaSets([...oldRSs, newRS]);
  const allowedSize = desiredReplicas(d) > 0 ? desiredReplicas(d) + maxSurge(d) : 0;
  const toAdd = allowedSize - specReplicaCount(allRSs);
  let operation = '';
  if (toAdd > 0) {
    allRSs.sort(bySizeNewer);
    operation = 'up';
  } else if (toAdd < 0) {
    allRSs.sort(bySizeOlder);
    operation = 'down';
  }
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of allRSs) {
    const name = rs.metadata.name ?? '';
    if (toAdd === 0) {
      sizes.set(name, rsReplicas(rs));
      continue;
    }
    const share = proportion(rs, d, toAdd, added);
    sizes.set(name, rsReplicas(rs) + share);
    added += share;
  }
  for (const [i, rs] of allRSs.entries()) {
    const name = rs.metadata.name ?? '';
    // Whatever rounding left over goes to the largest ReplicaSet.
    if (i === 0 && toAdd !== 0) sizes.set(name, Math.max(0, sizes.get(name)! + toAdd - added));
    await scaleReplicaSet(ctx, rs, sizes.get(name)!, d, operation);
  }
}

/** isScalingEvent: an active ReplicaSet was sized for a different replica count than the Deployment now asks. */
export async function isScalingEvent(ctx: DeploymentSyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<boolean> {
  const split = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  return activeReplicaSets(allOf(split)).some((rs) => {
    const desired = desiredReplicasOf(rs);
    return desired !== undefined && desired !== desiredReplicas(d);
  });
}

/** cleanupDeployment: deletes the oldest old ReplicaSets beyond revisionHistoryLimit, if they are scaled to zero and settled. */
export async function cleanupDeployment(ctx: DeploymentSyncContext, oldRSs: ReplicaSet[], d: Deployment): Promise<void> {
  const limit = d.spec.revisionHistoryLimit;
  if (limit === undefined || limit === 2147483647) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
  const diff = cleanable.length - limit;
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i];
    if ((rs.status?.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    try {
      await ctx.replicaSets.delete(rs.metadata.namespace, rs.metadata.name ?? '');
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }
}

/** syncDeploymentStatus: writes the status the ReplicaSets add up to, when it changed. */
export async function syncDeploymentStatus(ctx: DeploymentSyncContext, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const status = calculateStatus(allRSs, newRS, d, timestampOf(ctx.clock));
  if (deepEqual(normalizedStatus(d.status), normalizedStatus(status))) return;
  d.status = status;
  await writeDeploymentStatus(ctx, d);
}

/** sync: a paused Deployment, or a resize: scale without rolling out, and clean up while paused. */
export async function syncScaling(ctx: DeploymentSyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  await scale(ctx, d, newRS, oldRSs);
  if (d.spec.paused) await cleanupDeployment(ctx, oldRSs, d);
  await syncDeploymentStatus(ctx, newRS ? [...oldRSs, newRS] : oldRSs, newRS, d);
}
