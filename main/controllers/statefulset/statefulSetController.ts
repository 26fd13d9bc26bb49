// The StatefulSet controller (kube-controller-manager's statefulset-controller):
// claims the pods named after the set that its selector matches, takes one
// step of the ordered (or parallel) rollout, and writes the status.
//
// Revisions: each template is recorded in a ControllerRevision named
// `<set>-<hash>` (shared/history.ts, which `kubectl rollout history/undo
// sts/NAME` reads), and pods are labelled with that name
// (controller-revision-hash); the current revision is the one the status
// last recorded, and the current revision's template is known from
// its pods (lost if PodLab restarts when no pod runs it any more: a member
// recreated then gets the update revision).

import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import type { OwnerReference } from '../../kube/meta.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import { claimObjects, recheckDeletionTimestamp } from '../shared/claim.ts';
import { QueueController, splitKey, type ControllerContext, keyOf } from '../shared/controller.ts';
import { controllerRefOf, resolveControllerRef } from '../shared/controllerRef.ts';
import { computeHash } from '../shared/hash.ts';
import { controllerRevisionsResource, currentRevision, truncateHistory, type ControllerRevision } from '../shared/history.ts';
import { createPodFor } from '../shared/podControl.ts';
import { podsResource, statefulSetKind, statefulSetsResource } from '../shared/resources.ts';
import { mightAdopt, validWorkloadSelector } from '../shared/selectors.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import type { Pod, StatefulSet, StatefulSetStatus } from '../shared/types.ts';
import { isMemberOf, ordinalOf, revisionOf } from './statefulSetPods.ts';
import { claimsForOrdinal, retentionOwnerReferences } from './statefulSetClaims.ts';
import { persistentVolumeClaimsResource, type PersistentVolumeClaim } from '../volume/volumeTypes.ts';
import { completeRollingUpdate, statefulSetStatusJson, statusChanged } from './statefulSetStatus.ts';
import { updateStatefulSet, type Revisions, type StatefulPodControl } from './statefulSetUpdate.ts';

/** ControllerRevisionName: `<set>-<hash of the template>`. */
export function updateRevisionName(set: StatefulSet): string {
  return `${set.metadata.name}-${computeHash(set.spec.template, set.status?.collisionCount ?? 0)}`;
}

export class StatefulSetController extends QueueController {
  private readonly sets: SharedInformer<StatefulSet>;
  private readonly pods: SharedInformer<Pod>;
  private readonly setClient: ResourceClient<StatefulSet>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly claimClient: ResourceClient<PersistentVolumeClaim>;
  private readonly recorder: EventRecorder;
  private readonly podControl: StatefulPodControl;
  /**
   * The last pod seen at each revision still in use. Kubernetes keeps old
   * templates in ControllerRevisions; here a member lost below a rolling
   * update's partition is rebuilt from the last pod seen at its revision.
   */
  private readonly podsByRevision = new Map<string, Pod>();

  private readonly revisions: SharedInformer<ControllerRevision>;
  private readonly revisionClient: ResourceClient<ControllerRevision>;

  constructor(ctx: ControllerContext, workers = 5) {
    super('statefulset-controller', ctx, workers);
    this.sets = ctx.informers.informer<StatefulSet>(statefulSetsResource);
    this.revisions = ctx.informers.informer<ControllerRevision>(controllerRevisionsResource);
    this.revisionClient = ctx.client.resource<ControllerRevision>(controllerRevisionsResource);
    this.pods = ctx.informers.informer<Pod>(podsResource);
    this.setClient = ctx.client.resource<StatefulSet>(statefulSetsResource);
    this.podClient = ctx.client.resource<Pod>(podsResource);
    this.claimClient = ctx.client.resource<PersistentVolumeClaim>(persistentVolumeClaimsResource);
    this.recorder = ctx.recorder('statefulset-controller');
    this.podControl = this.newPodControl();
    this.sets.addEventHandler({
      onAdd: (set) => this.enqueue(set),
      onUpdate: (_old, set) => this.enqueue(set),
      onDelete: (set) => {
        this.forgetRevisions(set, []);
        this.enqueue(set);
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.onPodChange(undefined, pod),
      onUpdate: (old, cur) => this.onPodChange(old, cur),
      onDelete: (pod) => {
        this.rememberRevision(pod);
        this.enqueueOwner(pod.metadata.namespace, controllerRefOf(pod));
      },
    });
  }

  private enqueueOwner(namespace: string | undefined, ref: OwnerReference | undefined): void {
    const set = resolveControllerRef(this.sets, namespace, ref, statefulSetKind);
    if (set) this.enqueue(set);
  }

  private rememberRevision(pod: Pod): void {
    const revision = revisionOf(pod);
    if (revision && controllerRefOf(pod)?.kind === statefulSetKind.kind && pod.status?.phase) this.podsByRevision.set(revision, pod);
  }

  /** Owned pods wake their set; orphans wake every set that might adopt them. */
  private onPodChange(old: Pod | undefined, cur: Pod): void {
    this.rememberRevision(cur);
    const curRef = controllerRefOf(cur);
    const oldRef = old && controllerRefOf(old);
    const refChanged = !deepEqual(curRef, oldRef);
    if (old && refChanged && oldRef) this.enqueueOwner(old.metadata.namespace, oldRef);
    if (curRef) return this.enqueueOwner(cur.metadata.namespace, curRef);
    if (old && !refChanged && deepEqual(old.metadata.labels ?? {}, cur.metadata.labels ?? {})) return;
    for (const set of this.sets.list(cur.metadata.namespace ?? '')) if (mightAdopt(set.spec.selector, cur.metadata.labels)) this.enqueue(set);
  }

  /** StatefulPodControl with its events: "create Pod web-0 in StatefulSet web successful". */
  private newPodControl(): StatefulPodControl {
    const describe = (verb: string, pod: Pod, set: StatefulSet) => `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name}`;
    const record = async (verb: string, set: StatefulSet, pod: Pod, write: () => Promise<unknown>) => {
      try {
        await write();
      } catch (err) {
        if (isApiError(err, 'NotFound')) throw err;
        this.recorder.event(set, 'Warning', `Failed${verb}`, `${describe(verb.toLowerCase(), pod, set)} failed error: ${(err as Error).message}`);
        throw err;
      }
      this.recorder.event(set, 'Normal', `Successful${verb}`, `${describe(verb.toLowerCase(), pod, set)} successful`);
    };
    return {
      create: async (set, pod) => {
        // The claims first: a pod whose claim is missing would wait for it in ContainerCreating.
        await this.createClaims(set, pod);
        await createPodFor(this.podClient, this.recorder, set, pod, {
          created: (created) => `${describe('create', created, set)} successful`,
          failed: (failed, err) => `${describe('create', failed, set)} failed error: ${err.message}`,
        });
      },
      retainClaims: (set, pod) => this.retainClaims(set, pod),
      delete: (set, pod) => record('Delete', set, pod, () => this.podClient.delete(set.metadata.namespace, pod.metadata.name ?? '')),
      update: (set, pod) => record('Update', set, pod, () => this.podClient.update(set.metadata.namespace, pod)),
      event: (set, type, reason, message) => this.recorder.event(set, type, reason, message),
    };
  }

  /** createPersistentVolumeClaims: each missing claim of the member, with its retention owner references. */
  private async createClaims(set: StatefulSet, pod: Pod): Promise<void> {
    for (const claim of claimsForOrdinal(set, ordinalOf(pod))) {
      const name = claim.metadata.name ?? '';
      try {
        const existing = await this.claimClient.get(set.metadata.namespace, name);
        if (existing.metadata.deletionTimestamp) throw new Error(`pvc ${name} is being deleted`);
        continue;
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
      }
      const refs = retentionOwnerReferences(set, pod);
      if (refs.length > 0) claim.metadata.ownerReferences = refs;
      try {
        await this.claimClient.create(set.metadata.namespace, claim);
      } catch (err) {
        if (isApiError(err, 'AlreadyExists')) continue;
        this.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${(err as Error).message}`);
        throw err;
      }
      this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
    }
  }

  /** UpdatePodClaimForRetentionPolicy for a member about to be scaled away. */
  private async retainClaims(set: StatefulSet, pod: Pod): Promise<void> {
    for (const claim of claimsForOrdinal(set, ordinalOf(pod))) {
      let current: PersistentVolumeClaim;
      try {
        current = await this.claimClient.get(set.metadata.namespace, claim.metadata.name ?? '');
      } catch (err) {
        if (isApiError(err, 'NotFound')) continue;
        throw err;
      }
      const refs = retentionOwnerReferences(set, pod, current.metadata.ownerReferences ?? []);
      if (deepEqual(refs, current.metadata.ownerReferences ?? [])) continue;
      await this.claimClient.update(set.metadata.namespace, { ...current, metadata: { ...current.metadata, ownerReferences: refs } });
    }
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const set = this.sets.get(namespace, name);
    if (!set) return;
    const selector = validWorkloadSelector(set.spec.selector);
    if (!selector || selector.empty) return;
    const pods = await claimObjects(this.pods.list(namespace), {
      owner: set,
      ownerKind: statefulSetKind,
      matches: (pod) => selector.matches(pod.metadata.labels) && isMemberOf(set, pod),
      dependents: this.podClient,
      canAdopt: recheckDeletionTimestamp(this.setClient, set, 'StatefulSet'),
      dependentKind: 'Pod',
    });
    const owned = this.revisions.list(namespace).filter((r) => controllerRefOf(r)?.uid === set.metadata.uid);
    const history = await currentRevision({ client: this.revisionClient, owner: set, ownerKind: statefulSetKind, template: set.spec.template, revisions: owned, collisionCount: set.status?.collisionCount ?? 0 });
    const update = updateRevisionName(set);
    const current = set.status?.currentRevision || update;
    const inUse = new Set([current, update, ...pods.map(revisionOf)]);
    await truncateHistory(this.revisionClient, history.all, history.current, inUse, (set.spec.revisionHistoryLimit as number | undefined) ?? 10);
    this.forgetRevisions(set, [current, update]);
    const revisions: Revisions = { current, update, collisionCount: set.status?.collisionCount ?? 0, podAt: (revision) => this.podsByRevision.get(revision) };
    const { status, error } = await updateStatefulSet(set, revisions, pods, this.podControl, this.ctx.clock.now());
    await this.writeStatus(set, status);
    if (error) throw error;
    const minReadySeconds = set.spec.minReadySeconds ?? 0;
    // Availability comes with time: look again when the pods may have become available.
    if (minReadySeconds > 0 && status.availableReplicas !== (set.spec.replicas ?? 1)) this.queue.addAfter(keyOf(set), minReadySeconds * 1000);
  }

  /** Revisions of this set other than `keep` will not be needed again. */
  private forgetRevisions(set: StatefulSet, keep: string[]): void {
    for (const [revision, pod] of this.podsByRevision) {
      if (pod.metadata.namespace === set.metadata.namespace && controllerRefOf(pod)?.uid === set.metadata.uid && !keep.includes(revision)) this.podsByRevision.delete(revision);
    }
  }

  /** updateStatefulSetStatus: complete a finished rolling update, and write only what changed (one retry on a fresh read). */
  private async writeStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    completeRollingUpdate(set, status);
    if (!statusChanged(set, status)) return;
    const body = statefulSetStatusJson(status, set.status);
    try {
      await this.setClient.updateStatus(set.metadata.namespace, { ...set, status: body });
    } catch (err) {
      if (!isApiError(err, 'Conflict')) throw err;
      const fresh = await this.setClient.get(set.metadata.namespace, set.metadata.name ?? '');
      await this.setClient.updateStatus(set.metadata.namespace, { ...fresh, status: body });
    }
  }
}
