// The pod garbage collector (kube-controller-manager's pod-garbage-collector,
// pkg/controller/podgc): every 20 s it
// - deletes pods bound to a node that no longer exists (after the node has
//   been gone for a 40 s quarantine and a live read confirms it), first
//   marking them Failed with a DisruptionTarget condition, as Kubernetes does;
// - force-deletes terminating pods that were never scheduled (no kubelet will
//   ever confirm their end);
// - deletes the oldest finished pods beyond the terminated-pod threshold.
// Without it a pod of a node removed with `podlab node rm` stays forever.

import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { QueueController, type ControllerContext } from '../shared/controller.ts';
import { nodesResource, podsResource } from '../shared/resources.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import type { Pod } from '../shared/types.ts';

export const GC_CHECK_PERIOD_MS = 20_000;
export const ORPHAN_QUARANTINE_MS = 40_000;
/** kube-controller-manager's --terminated-pod-gc-threshold default. */
export const TERMINATED_POD_THRESHOLD = 12_500;

const gcKey = 'gc';

type PodFields = Pod;

export interface PodGCOptions {
  terminatedPodThreshold?: number;
}

export class PodGCController extends QueueController {
  private readonly pods: SharedInformer<PodFields>;
  private readonly nodes: SharedInformer<KubeObject>;
  private readonly podClient: ResourceClient<PodFields>;
  private readonly nodeClient: ResourceClient;
  private readonly threshold: number;
  /** Node names seen missing, with when they were first seen so. */
  private readonly missingSince = new Map<string, number>();

  constructor(ctx: ControllerContext, options: PodGCOptions = {}) {
    super('pod-garbage-collector', ctx, 1);
    this.threshold = options.terminatedPodThreshold ?? TERMINATED_POD_THRESHOLD;
    this.pods = ctx.informers.informer<PodFields>(podsResource);
    this.nodes = ctx.informers.informer(nodesResource);
    this.podClient = ctx.client.resource<PodFields>(podsResource);
    this.nodeClient = ctx.client.resource(nodesResource);
    // A node going away is worth a look at once; the quarantine still applies.
    this.nodes.addEventHandler({ onDelete: () => this.queue.add(gcKey) });
  }

  override start(): void {
    super.start();
    this.queue.add(gcKey);
  }

  protected async reconcile(): Promise<void> {
    try {
      const pods = this.pods.list();
      await this.gcTerminated(pods);
      await this.gcOrphaned(pods);
      await this.gcUnscheduledTerminating(pods);
    } finally {
      this.queue.addAfter(gcKey, GC_CHECK_PERIOD_MS);
    }
  }

  private async gcTerminated(pods: PodFields[]): Promise<void> {
    const terminated = pods.filter((p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed');
    const excess = terminated.length - this.threshold;
    if (excess <= 0) return;
    const oldest = terminated.sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp))).slice(0, excess);
    for (const pod of oldest) await this.forceDelete(pod);
  }

  private async gcOrphaned(pods: PodFields[]): Promise<void> {
    const now = this.ctx.clock.now();
    const bound = new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => !!n));
    for (const name of this.missingSince.keys()) if (!bound.has(name) || this.nodes.get(undefined, name)) this.missingSince.delete(name);
    const gone = new Set<string>();
    for (const name of bound) {
      if (this.nodes.get(undefined, name)) continue;
      const since = this.missingSince.get(name) ?? now;
      this.missingSince.set(name, since);
      if (now - since >= ORPHAN_QUARANTINE_MS && (await this.confirmedGone(name))) gone.add(name);
    }
    for (const pod of pods) {
      if (!gone.has(pod.spec?.nodeName ?? '')) continue;
      await this.markFailed(pod, `PodGC: node ${pod.spec?.nodeName} no longer exists`);
      await this.forceDelete(pod);
    }
  }

  /** The informer may lag: only a live read that answers NotFound proves the node gone. */
  private async confirmedGone(node: string): Promise<boolean> {
    try {
      await this.nodeClient.get(undefined, node);
      return false;
    } catch (err) {
      if (isApiError(err, 'NotFound')) return true;
      throw err;
    }
  }

  private async gcUnscheduledTerminating(pods: PodFields[]): Promise<void> {
    for (const pod of pods) if (pod.metadata.deletionTimestamp && !pod.spec?.nodeName) await this.forceDelete(pod);
  }

  /** Kubernetes 1.26+: a pod PodGC removes says why, as a terminal phase and a DisruptionTarget condition. */
  private async markFailed(pod: PodFields, message: string): Promise<void> {
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    const condition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message, lastTransitionTime: new Date(this.ctx.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z') };
    const conditions = [...(pod.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'), condition];
    try {
      await this.podClient.updateStatus(pod.metadata.namespace, { ...pod, status: { ...pod.status, phase: 'Failed', conditions } });
    } catch (err) {
      if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) throw err;
    }
  }

  private async forceDelete(pod: PodFields): Promise<void> {
    try {
      await this.podClient.delete(pod.metadata.namespace, pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (err) {
      if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) throw err;
    }
  }
}
