// One step of a StatefulSet (updateStatefulSet in stateful_set_control.go).
// Members are the ordinals [start, start + replicas); pods beyond are
// condemned. With OrderedReady, members are created one at a time in ordinal
// order, each only once every lower one is Running and Ready, and condemned
// pods are deleted highest ordinal first, one at a time; Parallel does both
// at once. A RollingUpdate then replaces, from the highest ordinal down to
// the partition, one pod at a time, each only after the ones above it are
// healthy again at the new revision.

import { isApiError } from '../../kube/client/types.ts';
import type { Pod, StatefulSet, StatefulSetStatus } from '../shared/types.ts';
import { computeReplicaStatus } from './statefulSetStatus.ts';
import {
  identityMatches,
  isCreated,
  isHealthy,
  isRunningAndAvailable,
  isRunningAndReady,
  newStatefulSetPod,
  ordinalOf,
  podLikeSibling,
  revisionOf,
  startOrdinal,
  updateIdentity,
} from './statefulSetPods.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

export interface StatefulPodControl {
  create(set: StatefulSet, pod: Pod): Promise<void>;
  delete(set: StatefulSet, pod: Pod): Promise<void>;
  update(set: StatefulSet, pod: Pod): Promise<void>;
  /** Gives a condemned member's claims the owner references its retention policy asks for, before it goes. */
  retainClaims(set: StatefulSet, pod: Pod): Promise<void>;
  event(set: StatefulSet, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface Revisions {
  current: string;
  update: string;
  collisionCount: number;
  /** A pod last seen at a revision, when none of the set's pods runs it any more. */
  podAt?(revision: string): Pod | undefined;
}

/** The status after this step, and what failed, if anything (the status is written either way). */
export interface UpdateResult {
  status: StatefulSetStatus;
  error?: unknown;
}

class StatefulSetUpdate {
  private readonly replicas: Pod[] = [];
  private readonly condemned: Pod[] = [];
  private readonly monotonic: boolean;
  private readonly minReadySeconds: number;
  private firstUnhealthy: Pod | undefined;
  readonly status: StatefulSetStatus;

  constructor(
    private readonly set: StatefulSet,
    private readonly revisions: Revisions,
    private readonly pods: Pod[],
    private readonly control: StatefulPodControl,
    private readonly now: number,
  ) {
    this.monotonic = set.spec.podManagementPolicy !== 'Parallel';
    this.minReadySeconds = set.spec.minReadySeconds ?? 0;
    this.status = {
      observedGeneration: set.metadata.generation,
      replicas: 0,
      availableReplicas: 0,
      currentRevision: revisions.current,
      updateRevision: revisions.update,
      collisionCount: revisions.collisionCount,
    };
    computeReplicaStatus(this.status, pods, this.minReadySeconds, now);
  }

  private recount(): void {
    computeReplicaStatus(this.status, [...this.replicas, ...this.condemned], this.minReadySeconds, this.now);
  }

  /** newVersionedStatefulSetPod: below the partition a new member gets the current revision, else the update revision. */
  private newMember(ordinal: number): Pod {
    const set = this.set;
    const rolling = (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition;
    const atCurrent = rolling && partition !== undefined && ordinal < startOrdinal(set) + partition && this.revisions.current !== this.revisions.update;
    if (atCurrent) {
      const sibling = this.pods.find((p) => revisionOf(p) === this.revisions.current && isCreated(p)) ?? this.revisions.podAt?.(this.revisions.current);
      if (sibling) return podLikeSibling(set, sibling, ordinal);
    }
    return newStatefulSetPod(set, ordinal, this.revisions.update);
  }

  private partition(): void {
    const start = startOrdinal(this.set);
    const count = this.set.spec.replicas ?? 1;
    const slots: Array<Pod | undefined> = new Array(count).fill(undefined);
    for (const pod of this.pods) {
      const ordinal = ordinalOf(pod);
      if (ordinal >= start && ordinal < start + count) slots[ordinal - start] = pod;
      else if (ordinal >= 0) this.condemned.push(pod);
    }
    for (let i = 0; i < count; i++) this.replicas.push(slots[i] ?? this.newMember(start + i));
    this.condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
    for (const pod of [...this.replicas, ...[...this.condemned].reverse()]) {
      if (!isHealthy(pod)) {
        this.firstUnhealthy = pod;
        break;
      }
    }
  }

  /** runForAll: in order, stopping at the first pod that says to wait; or all at once for Parallel. */
  private async runForAll(pods: Pod[], fn: (i: number) => Promise<boolean>): Promise<boolean> {
    if (this.monotonic) {
      for (let i = 0; i < pods.length; i++) if (await fn(i)) return true;
      return false;
    }
    const results = await Promise.allSettled(pods.map((_p, i) => fn(i)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    return false;
  }

  /** processReplica: true to stop this step here. */
  private async processReplica(i: number): Promise<boolean> {
    const pod = this.replicas[i];
    const set = this.set;
    const phase = pod.status?.phase;
    if (phase === 'Failed' || phase === 'Succeeded') {
      if (phase === 'Failed') {
        this.control.event(set, 'Warning', 'RecreatingFailedPod', `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating failed Pod ${pod.metadata.name}`);
      } else {
        this.control.event(set, 'Normal', 'RecreatingTerminatedPod', `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating terminated Pod ${pod.metadata.name}`);
      }
      // The replacement is made on a later step, once this one is gone from the API.
      if (!pod.metadata.deletionTimestamp) await this.control.delete(set, pod);
      return true;
    }
    if (!isCreated(pod)) {
      await this.control.create(set, pod);
      return this.monotonic;
    }
    if (!this.monotonic) return this.fixIdentity(pod);
    if (pod.metadata.deletionTimestamp) return true;
    if (!isRunningAndReady(pod)) return true;
    if (!isRunningAndAvailable(pod, this.minReadySeconds, this.now)) return true;
    return this.fixIdentity(pod);
  }

  private async fixIdentity(pod: Pod): Promise<boolean> {
    if (identityMatches(this.set, pod)) return false;
    const copy = deepCopy(pod);
    updateIdentity(this.set, copy);
    await this.control.update(this.set, copy);
    return false;
  }

  /** processCondemned: with OrderedReady, only the highest goes, and only when every other member is healthy (or it is the first unhealthy one). */
  private async processCondemned(i: number): Promise<boolean> {
    const pod = this.condemned[i];
    if (pod.metadata.deletionTimestamp) return this.monotonic;
    if (this.monotonic && pod !== this.firstUnhealthy) {
      if (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, this.minReadySeconds, this.now)) return true;
    }
    await this.control.retainClaims(this.set, pod);
    await this.control.delete(this.set, pod);
    return this.monotonic;
  }

  /** The rolling update, highest ordinal first, down to the partition. */
  private async rollingUpdate(): Promise<void> {
    const partition = this.set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (let target = this.replicas.length - 1; target >= partition; target--) {
      const pod = this.replicas[target];
      if (revisionOf(pod) !== this.revisions.update && !pod.metadata.deletionTimestamp) {
        if (isCreated(pod)) {
          await this.control.delete(this.set, pod).catch((err: unknown) => {
            // Already gone (the cache lags behind the API): as good as deleted.
            if (!isApiError(err, 'NotFound')) throw err;
          });
        }
        this.status.currentReplicas = (this.status.currentReplicas ?? 0) - 1;
        return;
      }
      if (!isHealthy(pod)) return;
    }
  }

  async run(): Promise<void> {
    this.partition();
    // A set being deleted only reports; the garbage collector removes its pods.
    if (this.set.metadata.deletionTimestamp) return;
    try {
      if (await this.runForAll(this.replicas, (i) => this.processReplica(i))) return;
      // Scaling down comes before updating.
      if (await this.runForAll(this.condemned, (i) => this.processCondemned(i))) return;
    } finally {
      this.recount();
    }
    if ((this.set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'OnDelete') return;
    await this.rollingUpdate();
  }
}

export async function updateStatefulSet(set: StatefulSet, revisions: Revisions, pods: Pod[], control: StatefulPodControl, now: number): Promise<UpdateResult> {
  const update = new StatefulSetUpdate(set, revisions, pods, control, now);
  try {
    await update.run();
    return { status: update.status };
  } catch (error) {
    return { status: update.status, error };
  }
}
