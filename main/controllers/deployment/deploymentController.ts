// The Deployment controller (kube-controller-manager's deployment-controller):
// a Deployment owns ReplicaSets named `<deployment>-<pod-template-hash>`, one
// per template it has run; the newest runs the current template and the old
// ones are kept, scaled to zero, as revisions to roll back to. Each sync
// claims the ReplicaSets, then: a Deployment being deleted only gets its
// status; a paused one, or one whose replica count changed, is only scaled;
// otherwise its strategy (RollingUpdate or Recreate) takes the next step.

import type { ResourceClient } from '../../kube/client/types.ts';
import type { OwnerReference } from '../../kube/meta.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import { claimObjects, recheckDeletionTimestamp } from '../shared/claim.ts';
import { QueueController, keyOf, splitKey, type ControllerContext } from '../shared/controller.ts';
import { controllerRefOf, resolveControllerRef } from '../shared/controllerRef.ts';
import { deploymentKind, deploymentsResource, podsResource, replicaSetKind, replicaSetsResource } from '../shared/resources.ts';
import { mightAdopt, validWorkloadSelector } from '../shared/selectors.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import { timestampOf } from '../shared/time.ts';
import type { Deployment, Pod, ReplicaSet } from '../shared/types.ts';
import { getCondition, newCondition, Progressing, reasons, setCondition } from './conditions.ts';
import { hasProgressDeadline } from './deploymentStatus.ts';
import { rolloutRecreate } from './recreate.ts';
import { rolloutRolling } from './rolling.ts';
import { allOf, getAllReplicaSetsAndSyncRevision, isScalingEvent, syncDeploymentStatus, syncScaling, writeDeploymentStatus, type DeploymentSyncContext } from './sync.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

export class DeploymentController extends QueueController {
  private readonly deployments: SharedInformer<Deployment>;
  private readonly replicaSets: SharedInformer<ReplicaSet>;
  private readonly pods: SharedInformer<Pod>;
  private readonly deploymentClient: ResourceClient<Deployment>;
  private readonly rsClient: ResourceClient<ReplicaSet>;
  private readonly sync: DeploymentSyncContext;

  constructor(ctx: ControllerContext, workers = 5) {
    super('deployment-controller', ctx, workers);
    this.deployments = ctx.informers.informer<Deployment>(deploymentsResource);
    this.replicaSets = ctx.informers.informer<ReplicaSet>(replicaSetsResource);
    this.pods = ctx.informers.informer<Pod>(podsResource);
    this.deploymentClient = ctx.client.resource<Deployment>(deploymentsResource);
    this.rsClient = ctx.client.resource<ReplicaSet>(replicaSetsResource);
    this.sync = {
      replicaSets: this.rsClient,
      deployments: this.deploymentClient,
      rsCache: this.replicaSets,
      deploymentCache: this.deployments,
      recorder: ctx.recorder('deployment-controller'),
      clock: ctx.clock,
      requeueAfter: (d, ms) => this.queue.addAfter(keyOf(d), ms),
      requeueRateLimited: (d) => this.queue.addRateLimited(keyOf(d)),
    };
    this.deployments.addEventHandler({
      onAdd: (d) => this.enqueue(d),
      onUpdate: (_old, d) => this.enqueue(d),
      onDelete: (d) => this.enqueue(d),
    });
    this.replicaSets.addEventHandler({
      onAdd: (rs) => this.onReplicaSetAdd(rs),
      onUpdate: (old, cur) => this.onReplicaSetUpdate(old, cur),
      onDelete: (rs) => this.enqueueOwner(rs.metadata.namespace, controllerRefOf(rs)),
    });
    this.pods.addEventHandler({ onDelete: (pod) => this.onPodDelete(pod) });
  }

  private resolve(namespace: string | undefined, ref: OwnerReference | undefined): Deployment | undefined {
    return resolveControllerRef(this.deployments, namespace, ref, deploymentKind);
  }

  private enqueueOwner(namespace: string | undefined, ref: OwnerReference | undefined): void {
    const d = this.resolve(namespace, ref);
    if (d) this.enqueue(d);
  }

  /** getDeploymentsForReplicaSet: Deployments whose selector matches an orphan ReplicaSet. */
  private enqueueSelecting(rs: ReplicaSet): void {
    for (const d of this.deployments.list(rs.metadata.namespace ?? '')) if (mightAdopt(d.spec.selector, rs.metadata.labels)) this.enqueue(d);
  }

  private onReplicaSetAdd(rs: ReplicaSet): void {
    const ref = controllerRefOf(rs);
    if (rs.metadata.deletionTimestamp || ref) return this.enqueueOwner(rs.metadata.namespace, ref);
    this.enqueueSelecting(rs);
  }

  private onReplicaSetUpdate(old: ReplicaSet, cur: ReplicaSet): void {
    const curRef = controllerRefOf(cur);
    const oldRef = controllerRefOf(old);
    const refChanged = !deepEqual(curRef, oldRef);
    if (refChanged && oldRef) this.enqueueOwner(old.metadata.namespace, oldRef);
    if (curRef) return this.enqueueOwner(cur.metadata.namespace, curRef);
    if (refChanged || !deepEqual(old.metadata.labels ?? {}, cur.metadata.labels ?? {})) this.enqueueSelecting(cur);
  }

  /** A Recreate Deployment waits for its old pods to be gone: the last one going is its cue. */
  private onPodDelete(pod: Pod): void {
    const rs = resolveControllerRef(this.replicaSets, pod.metadata.namespace, controllerRefOf(pod), replicaSetKind);
    if (!rs) return;
    const d = this.resolve(rs.metadata.namespace, controllerRefOf(rs));
    if (!d || d.spec.strategy?.type !== 'Recreate') return;
    const owned = this.replicaSets.list(d.metadata.namespace ?? '').filter((r) => controllerRefOf(r)?.uid === d.metadata.uid);
    const podMap = this.podMap(d, owned);
    if ([...podMap.values()].every((pods) => pods.length === 0)) this.enqueue(d);
  }

  /** getPodMapForDeployment: the Deployment's pods by owning ReplicaSet, finished ones included. */
  private podMap(d: Deployment, rsList: ReplicaSet[]): Map<string, Pod[]> {
    const map = new Map<string, Pod[]>(rsList.map((rs) => [rs.metadata.uid ?? '', []]));
    const selector = validWorkloadSelector(d.spec.selector);
    if (!selector) return map;
    for (const pod of this.pods.list(d.metadata.namespace ?? '')) {
      if (!selector.matches(pod.metadata.labels)) continue;
      map.get(controllerRefOf(pod)?.uid ?? '')?.push(pod);
    }
    return map;
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.deployments.get(namespace, name);
    if (!cached) return;
    const d = deepCopy(cached);
    const selector = validWorkloadSelector(d.spec.selector);
    if (!selector) return;
    if (selector.empty) {
      this.sync.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status = { ...(d.status ?? {}), observedGeneration: d.metadata.generation };
        await writeDeploymentStatus(this.sync, d);
      }
      return;
    }
    const rsList = await claimObjects(this.replicaSets.list(namespace), {
      owner: d,
      ownerKind: deploymentKind,
      matches: (rs) => selector.matches(rs.metadata.labels),
      dependents: this.rsClient,
      canAdopt: recheckDeletionTimestamp(this.deploymentClient, d, 'Deployment'),
      dependentKind: 'ReplicaSet',
    });
    if (d.metadata.deletionTimestamp) {
      const split = await getAllReplicaSetsAndSyncRevision(this.sync, d, rsList, false);
      return syncDeploymentStatus(this.sync, allOf(split), split.newRS, d);
    }
    await this.checkPausedConditions(d);
    if (d.spec.paused) return syncScaling(this.sync, d, rsList);
    if (await isScalingEvent(this.sync, d, rsList)) return syncScaling(this.sync, d, rsList);
    if (d.spec.strategy?.type === 'Recreate') return rolloutRecreate(this.sync, d, rsList, this.podMap(d, rsList));
    return rolloutRolling(this.sync, d, rsList);
  }

  /** checkPausedConditions: pausing and resuming show on the Progressing condition (Unknown), unless the rollout already timed out. */
  private async checkPausedConditions(d: Deployment): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const condition = getCondition(d.status, Progressing);
    if (condition?.reason === reasons.progressDeadlineExceeded) return;
    const pausedShown = condition?.reason === reasons.deploymentPaused;
    const now = timestampOf(this.ctx.clock);
    d.status ??= {};
    if (d.spec.paused && !pausedShown) {
      setCondition(d.status, newCondition(Progressing, 'Unknown', reasons.deploymentPaused, 'Deployment is paused', now));
    } else if (!d.spec.paused && pausedShown) {
      setCondition(d.status, newCondition(Progressing, 'Unknown', reasons.deploymentResumed, 'Deployment is resumed', now));
    } else {
      return;
    }
    await writeDeploymentStatus(this.sync, d);
  }
}
