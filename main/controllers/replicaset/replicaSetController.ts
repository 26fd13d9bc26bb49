// The ReplicaSet controller (kube-controller-manager's replicaset-controller):
// keeps as many active pods as spec.replicas asks for. It claims the pods its
// selector matches (adopting orphans, releasing pods that stopped matching),
// creates missing pods in slow-start batches (1, 2, 4, ...: a failing create
// stops the round early instead of failing hundreds of times), deletes
// surplus pods in Kubernetes' preference order, and writes the counts to
// status. Expectations keep it from acting again before its own creates and
// deletes reached the pod informer.

import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import type { OwnerReference } from '../../kube/meta.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import { claimObjects, recheckDeletionTimestamp } from '../shared/claim.ts';
import { QueueController, keyOf, splitKey, type ControllerContext } from '../shared/controller.ts';
import { controllerRefOf, newControllerRef, resolveControllerRef } from '../shared/controllerRef.ts';
import { Expectations } from '../shared/expectations.ts';
import { createPodFor } from '../shared/podControl.ts';
import { podFromTemplate } from '../shared/podTemplate.ts';
import { isPodActive, isPodReady } from '../shared/podUtil.ts';
import { podsResource, replicaSetKind, replicaSetsResource } from '../shared/resources.ts';
import { mightAdopt, validWorkloadSelector } from '../shared/selectors.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import { timestampOf } from '../shared/time.ts';
import type { Pod, ReplicaSet } from '../shared/types.ts';
import type { LabelSelectorObject } from '../../apiserver/validation/labelSelectorObject.ts';
import { podsToDelete } from './podsToDelete.ts';
import { calculateReplicaSetStatus, replicaSetStatusJson } from './replicaSetStatus.ts';

/** At most this many creates or deletes per sync (kube-controller-manager's burstReplicas). */
const burstReplicas = 500;
/** controller.SlowStartInitialBatchSize */
const slowStartInitialBatch = 1;

/**
 * What the controller runs for: ReplicaSets, or ReplicationControllers, which Kubernetes runs with
 * the same code (their selector a plain map of labels).
 */
export interface ReplicaSetFlavor {
  component: string;
  resource: typeof replicaSetsResource;
  kind: typeof replicaSetKind;
  selectorOf(obj: ReplicaSet): LabelSelectorObject | undefined;
}

export const replicaSetFlavor: ReplicaSetFlavor = { component: 'replicaset-controller', resource: replicaSetsResource, kind: replicaSetKind, selectorOf: (rs) => rs.spec.selector };

export class ReplicaSetController extends QueueController {
  private readonly replicaSets: SharedInformer<ReplicaSet>;
  private readonly pods: SharedInformer<Pod>;
  private readonly rsClient: ResourceClient<ReplicaSet>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly recorder: EventRecorder;
  private readonly expectations: Expectations;

  constructor(
    ctx: ControllerContext,
    workers = 5,
    private readonly flavor: ReplicaSetFlavor = replicaSetFlavor,
  ) {
    super(flavor.component, ctx, workers);
    this.replicaSets = ctx.informers.informer<ReplicaSet>(flavor.resource);
    this.pods = ctx.informers.informer<Pod>(podsResource);
    this.rsClient = ctx.client.resource<ReplicaSet>(flavor.resource);
    // Created and patched pods are only read (an event's message).
    this.podClient = ctx.client.resource<Pod>(podsResource, { readOnlyAnswers: true });
    this.recorder = ctx.recorder(flavor.component);
    this.expectations = new Expectations(ctx.clock);
    this.replicaSets.addEventHandler({
      onAdd: (rs) => this.enqueue(rs),
      onUpdate: (old, cur) => {
        if (old.metadata.uid !== cur.metadata.uid) this.onReplicaSetDelete(old);
        this.enqueue(cur);
      },
      onDelete: (rs) => this.onReplicaSetDelete(rs),
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.onPodAdd(pod),
      onUpdate: (old, cur) => this.onPodUpdate(old, cur),
      onDelete: (pod) => this.onPodDelete(pod),
    });
  }

  private onReplicaSetDelete(rs: ReplicaSet): void {
    this.expectations.forget(keyOf(rs));
    this.enqueue(rs);
  }

  private resolve(namespace: string | undefined, ref: OwnerReference | undefined): ReplicaSet | undefined {
    return resolveControllerRef(this.replicaSets, namespace, ref, this.flavor.kind);
  }

  /** The ReplicaSets whose selector matches an orphan pod: they may want to adopt it. */
  private replicaSetsSelecting(pod: Pod): ReplicaSet[] {
    return this.replicaSets.list(pod.metadata.namespace ?? '').filter((rs) => mightAdopt(this.flavor.selectorOf(rs), pod.metadata.labels));
  }

  private onPodAdd(pod: Pod): void {
    // A pod already being deleted when first seen (a restart) must not count as an observed creation.
    if (pod.metadata.deletionTimestamp) return this.onPodDelete(pod);
    const ref = controllerRefOf(pod);
    if (ref) {
      const rs = this.resolve(pod.metadata.namespace, ref);
      if (!rs) return;
      this.expectations.creationObserved(keyOf(rs));
      this.enqueue(rs);
      return;
    }
    for (const rs of this.replicaSetsSelecting(pod)) this.enqueue(rs);
  }

  private onPodUpdate(old: Pod, cur: Pod): void {
    const labelsChanged = !deepEqual(old.metadata.labels ?? {}, cur.metadata.labels ?? {});
    if (cur.metadata.deletionTimestamp) {
      // A graceful deletion: replace the pod now rather than when the kubelet finally removes it.
      this.onPodDelete(cur);
      if (labelsChanged) this.onPodDelete(old);
      return;
    }
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = !deepEqual(curRef, oldRef);
    if (refChanged && oldRef) {
      const previous = this.resolve(old.metadata.namespace, oldRef);
      if (previous) this.enqueue(previous);
    }
    if (curRef) {
      const rs = this.resolve(cur.metadata.namespace, curRef);
      if (!rs) return;
      this.enqueue(rs);
      const minReadySeconds = rs.spec.minReadySeconds ?? 0;
      // Availability comes with time, not with an event: look again once the pod has been ready long enough.
      if (!isPodReady(old) && isPodReady(cur) && minReadySeconds > 0) this.queue.addAfter(keyOf(rs), (minReadySeconds + 1) * 1000);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.replicaSetsSelecting(cur)) this.enqueue(rs);
  }

  private onPodDelete(pod: Pod): void {
    const rs = this.resolve(pod.metadata.namespace, controllerRefOf(pod));
    if (!rs) return;
    this.expectations.deletionObserved(keyOf(rs), keyOf(pod));
    this.enqueue(rs);
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const rs = this.replicaSets.get(namespace, name);
    if (!rs) {
      this.expectations.forget(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const selector = validWorkloadSelector(this.flavor.selectorOf(rs));
    if (!selector) return;
    const active = this.pods.list(namespace).filter(isPodActive);
    const pods = await claimObjects(active, {
      owner: rs,
      ownerKind: this.flavor.kind,
      matches: (pod) => selector.matches(pod.metadata.labels),
      dependents: this.podClient,
      canAdopt: recheckDeletionTimestamp(this.rsClient, rs, this.flavor.kind.kind),
      dependentKind: 'Pod',
    });
    let manageError: Error | undefined;
    if (needsSync && !rs.metadata.deletionTimestamp) manageError = await this.manageReplicas(key, pods, rs).then(
        () => undefined,
        (err: Error) => err,
      );
    const now = this.ctx.clock.now();
    const status = calculateReplicaSetStatus(rs, pods, manageError, now, timestampOf(this.ctx.clock));
    const updated = await this.updateStatus(rs, status);
    const minReadySeconds = updated.spec.minReadySeconds ?? 0;
    const replicas = updated.spec.replicas ?? 1;
    if (!manageError && minReadySeconds > 0 && (updated.status?.readyReplicas ?? 0) === replicas && (updated.status?.availableReplicas ?? 0) !== replicas) {
      this.queue.addAfter(key, minReadySeconds * 1000);
    }
    if (manageError) throw manageError;
  }

  private async manageReplicas(key: string, pods: Pod[], rs: ReplicaSet): Promise<void> {
    const diff = pods.length - (rs.spec.replicas ?? 1);
    if (diff < 0) {
      const wanted = Math.min(-diff, burstReplicas);
      this.expectations.expectCreations(key, wanted);
      const ref = newControllerRef(rs, this.flavor.kind);
      const { created, error } = await slowStartBatch(wanted, slowStartInitialBatch, () => this.createPod(rs, ref));
      // Pods never attempted (or failed) will not show up in the informer: stop expecting them.
      for (let i = created; i < wanted; i++) this.expectations.creationObserved(key);
      if (error) throw error;
      return;
    }
    if (diff > 0) {
      const count = Math.min(diff, burstReplicas);
      const doomed = podsToDelete(pods, this.relatedPods(rs), count, this.ctx.clock.now());
      this.expectations.expectDeletions(key, doomed.map(keyOf));
      const results = await Promise.all(doomed.map((pod) => this.deletePod(rs, pod).then(() => undefined, (err: unknown) => ({ pod, err }))));
      let firstError: unknown;
      for (const failure of results) {
        if (!failure) continue;
        // The informer will not see this deletion: stop expecting it.
        this.expectations.deletionObserved(key, keyOf(failure.pod));
        if (!isApiError(failure.err, 'NotFound')) firstError ??= failure.err;
      }
      if (firstError) throw firstError;
    }
  }

  private createPod(rs: ReplicaSet, ref: OwnerReference): Promise<void> {
    const pod = podFromTemplate(rs.spec.template, rs.metadata.namespace ?? '', rs.metadata.name ?? '', ref);
    return createPodFor(this.podClient, this.recorder, rs, pod, {
      created: (created) => `Created pod: ${created.metadata.name}`,
      failed: (_pod, err) => `Error creating: ${err.message}`,
    });
  }

  private async deletePod(rs: ReplicaSet, pod: Pod): Promise<void> {
    const name = pod.metadata.name ?? '';
    try {
      await this.podClient.delete(rs.metadata.namespace, name);
    } catch (err) {
      if (!isApiError(err, 'NotFound')) this.recorder.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
      throw err;
    }
    this.recorder.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
  }

  /** getIndirectlyRelatedPods: the pods of every ReplicaSet sharing this one's controller (a Deployment's old and new ReplicaSets). */
  private relatedPods(rs: ReplicaSet): Pod[] {
    const ref = controllerRefOf(rs);
    if (!ref) return [];
    const seen = new Set<string>();
    const related: Pod[] = [];
    for (const sibling of this.replicaSets.list(rs.metadata.namespace ?? '')) {
      if (controllerRefOf(sibling)?.uid !== ref.uid) continue;
      const selector = validWorkloadSelector(this.flavor.selectorOf(sibling));
      if (!selector) continue;
      for (const pod of this.pods.list(rs.metadata.namespace ?? '')) {
        if (!selector.matches(pod.metadata.labels) || seen.has(pod.metadata.uid ?? '')) continue;
        seen.add(pod.metadata.uid ?? '');
        related.push(pod);
      }
    }
    return related;
  }

  /** updateReplicaSetStatus: nothing to write in the steady state; else one write, and one retry on a fresh read. */
  private async updateStatus(rs: ReplicaSet, computed: ReturnType<typeof calculateReplicaSetStatus>): Promise<ReplicaSet> {
    const generation = rs.metadata.generation ?? 0;
    const next = replicaSetStatusJson({ ...computed, observedGeneration: generation });
    const current = replicaSetStatusJson({ ...(rs.status ?? {}) });
    if (deepEqual(next, current)) return rs;
    try {
      return await this.rsClient.updateStatus(rs.metadata.namespace, { ...rs, status: next });
    } catch (err) {
      if (!isApiError(err, 'Conflict')) throw err;
      const fresh = await this.rsClient.get(rs.metadata.namespace, rs.metadata.name ?? '');
      return this.rsClient.updateStatus(rs.metadata.namespace, { ...fresh, status: next });
    }
  }
}

/** Calls `create` count times in batches of 1, 2, 4, ... in parallel; stops after the first batch with a failure. */
export async function slowStartBatch(count: number, initial: number, create: () => Promise<void>): Promise<{ created: number; error?: unknown }> {
  let remaining = count;
  let created = 0;
  for (let batch = Math.min(remaining, initial); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => create()));
    const failed = results.find((r) => r.status === 'rejected');
    created += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { created, error: (failed as PromiseRejectedResult).reason };
    remaining -= batch;
  }
  return { created };
}
