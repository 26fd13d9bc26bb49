// The DaemonSet controller (kube-controller-manager's daemonset-controller):
// one pod on every node the DaemonSet's template fits (nodeSelector, node
// affinity, taints against the daemon tolerations), created pinned to that
// node by node affinity and placed by the scheduler; a new node gets its pod,
// a node that no longer fits loses it, a failed pod is replaced. The
// template's history is kept in ControllerRevisions (shared/history.ts) and
// pods carry their revision's controller-revision-hash, which drives the
// rolling update (maxUnavailable old pods replaced at a time, or maxSurge new
// pods started beside old ones) or, with OnDelete, nothing until the user
// deletes a pod.

import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import type { KubeObject } from '../../kube/meta.ts';
import type { Node } from '../../scheduler/types.ts';
import { QueueController, keyOf, splitKey, type ControllerContext } from '../shared/controller.ts';
import { controllerRefOf, newControllerRef } from '../shared/controllerRef.ts';
import { Expectations } from '../shared/expectations.ts';
import { controllerRevisionHashLabel, controllerRevisionsResource, currentRevision, truncateHistory, type ControllerRevision } from '../shared/history.ts';
import { createPodFor } from '../shared/podControl.ts';
import { podFromTemplate } from '../shared/podTemplate.ts';
import { isPodAvailable, isPodReady, isPodTerminal } from '../shared/podUtil.ts';
import { scaledValue } from '../shared/intOrPercent.ts';
import { nodesResource, podsResource } from '../shared/resources.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import type { Pod, PodTemplateSpec } from '../shared/types.ts';
import { daemonPodTolerations, pinToNode, shouldRunOn } from './nodeEligibility.ts';

export const daemonSetsResource = { group: 'apps', version: 'v1', plural: 'daemonsets' };
const daemonSetKind = { apiVersion: 'apps/v1', kind: 'DaemonSet' };

export interface DaemonSet extends KubeObject {
  spec: {
    selector?: { matchLabels?: Record<string, string> };
    template: PodTemplateSpec;
    updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status?: Record<string, unknown>;
}

export class DaemonSetController extends QueueController {
  private readonly daemonSets: SharedInformer<DaemonSet>;
  private readonly pods: SharedInformer<Pod>;
  private readonly nodes: SharedInformer<Node>;
  private readonly revisions: SharedInformer<ControllerRevision>;
  private readonly dsClient: ResourceClient<DaemonSet>;
  private readonly podClient: ResourceClient<Pod>;
  private readonly revisionClient: ResourceClient<ControllerRevision>;
  private readonly recorder: EventRecorder;
  private readonly expectations: Expectations;

  constructor(ctx: ControllerContext, workers = 2) {
    super('daemonset-controller', ctx, workers);
    this.daemonSets = ctx.informers.informer<DaemonSet>(daemonSetsResource);
    this.pods = ctx.informers.informer<Pod>(podsResource);
    this.nodes = ctx.informers.informer<Node>(nodesResource);
    this.revisions = ctx.informers.informer<ControllerRevision>(controllerRevisionsResource);
    this.dsClient = ctx.client.resource<DaemonSet>(daemonSetsResource);
    this.podClient = ctx.client.resource<Pod>(podsResource);
    this.revisionClient = ctx.client.resource<ControllerRevision>(controllerRevisionsResource);
    this.recorder = ctx.recorder('daemonset-controller');
    this.expectations = new Expectations(ctx.clock);
    this.daemonSets.addEventHandler({ onAdd: (ds) => this.enqueue(ds), onUpdate: (_old, ds) => this.enqueue(ds), onDelete: (ds) => this.expectations.forget(keyOf(ds)) });
    const onPod = (pod: Pod, observed?: 'created' | 'deleted') => {
      const ds = this.ownerOf(pod);
      if (!ds) return;
      if (observed === 'created') this.expectations.creationObserved(keyOf(ds));
      if (observed === 'deleted') this.expectations.deletionObserved(keyOf(ds), keyOf(pod));
      this.enqueue(ds);
    };
    this.pods.addEventHandler({ onAdd: (pod) => onPod(pod, 'created'), onUpdate: (_old, pod) => onPod(pod), onDelete: (pod) => onPod(pod, 'deleted') });
    // Every DaemonSet looks again when a node comes, goes or changes labels, taints or readiness.
    const allDaemonSets = () => {
      for (const ds of this.daemonSets.list()) this.enqueue(ds);
    };
    this.nodes.addEventHandler({ onAdd: allDaemonSets, onUpdate: (old, cur) => (deepEqual(old.metadata.labels, cur.metadata.labels) && deepEqual(old.spec, cur.spec) ? undefined : allDaemonSets()), onDelete: allDaemonSets });
  }

  private ownerOf(pod: Pod): DaemonSet | undefined {
    const ref = controllerRefOf(pod);
    if (ref?.kind !== 'DaemonSet') return undefined;
    const ds = this.daemonSets.get(pod.metadata.namespace ?? '', ref.name);
    return ds?.metadata.uid === ref.uid ? ds : undefined;
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ds = this.daemonSets.get(namespace, name);
    if (!ds || ds.metadata.deletionTimestamp) return;
    const owned = this.revisions.list(namespace).filter((r) => controllerRefOf(r)?.uid === ds.metadata.uid);
    const { current, all } = await currentRevision({ client: this.revisionClient, owner: ds, ownerKind: daemonSetKind, template: ds.spec.template, revisions: owned, collisionCount: ds.status?.collisionCount as number | undefined });
    const hash = current.metadata.labels?.[controllerRevisionHashLabel] ?? '';
    const pods = this.pods.list(namespace).filter((pod) => controllerRefOf(pod)?.uid === ds.metadata.uid && !pod.metadata.deletionTimestamp);
    const byNode = new Map<string, Pod[]>();
    for (const pod of pods) {
      const node = pod.spec.nodeName ?? pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0] ?? '';
      byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    const template = this.podFor(ds, hash, '');
    const nodes = this.nodes.list();
    const eligible = nodes.filter((node) => shouldRunOn(template, node));
    if (this.expectations.satisfied(key)) await this.manage(ds, hash, eligible, byNode);
    const hashesInUse = new Set(pods.map((p) => p.metadata.labels?.[controllerRevisionHashLabel] ?? ''));
    await truncateHistory(this.revisionClient, all, current, hashesInUse, ds.spec.revisionHistoryLimit ?? 10);
    await this.updateStatus(ds, hash, eligible, byNode);
  }

  /** Pods to create (nodes without one), to delete (extra, misplaced, failed), and the rolling update's share. */
  private async manage(ds: DaemonSet, hash: string, eligible: Node[], byNode: Map<string, Pod[]>): Promise<void> {
    const eligibleNames = new Set(eligible.map((n) => n.metadata.name ?? ''));
    const toCreate: string[] = [];
    const toDelete: Pod[] = [];
    for (const [node, pods] of byNode) {
      if (!eligibleNames.has(node)) toDelete.push(...pods);
    }
    for (const nodeName of eligibleNames) {
      const pods = byNode.get(nodeName) ?? [];
      const failed = pods.filter(isPodTerminal);
      for (const pod of failed) this.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${nodeName}, will try to kill it`);
      toDelete.push(...failed);
      const live = pods.filter((p) => !isPodTerminal(p)).sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
      if (live.length === 0) toCreate.push(nodeName);
      else if (live.length > 1 && !this.surging(ds)) toDelete.push(...live.slice(1));
    }
    toDelete.push(...this.rollingUpdate(ds, hash, eligible, byNode, toCreate));
    const key = keyOf(ds);
    this.expectations.expectCreations(key, toCreate.length);
    const created = await Promise.allSettled(toCreate.map((node) => createPodFor(this.podClient, this.recorder, ds, this.podFor(ds, hash, node), { created: (p) => `Created pod: ${p.metadata.name}`, failed: (_p, err) => `Error creating: ${err.message}` })));
    for (const result of created) if (result.status === 'rejected') this.expectations.creationObserved(key);
    const unique = [...new Map(toDelete.map((p) => [p.metadata.uid, p])).values()];
    this.expectations.expectDeletions(key, unique.map(keyOf));
    for (const pod of unique) {
      try {
        await this.podClient.delete(pod.metadata.namespace, pod.metadata.name ?? '');
        this.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      } catch (err) {
        this.expectations.deletionObserved(key, keyOf(pod));
        if (!isApiError(err, 'NotFound')) throw err;
      }
    }
    const failure = created.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  private surging(ds: DaemonSet): boolean {
    return ds.spec.updateStrategy?.type === 'RollingUpdate' && scaledValue(ds.spec.updateStrategy.rollingUpdate?.maxSurge, 1, true) > 0;
  }

  /**
   * The old pods to delete now. maxUnavailable: old pods go while fewer than that many nodes are
   * without an available pod (their node gets a new pod next sync). maxSurge: a new pod starts beside
   * the old one (added to `toCreate`), and the old one goes once the new one is available.
   */
  private rollingUpdate(ds: DaemonSet, hash: string, eligible: Node[], byNode: Map<string, Pod[]>, toCreate: string[]): Pod[] {
    if (ds.spec.updateStrategy?.type !== 'RollingUpdate') return [];
    const now = this.ctx.clock.now();
    const minReady = ds.spec.minReadySeconds ?? 0;
    const available = (pod: Pod) => isPodAvailable(pod, minReady, now);
    const desired = eligible.length;
    const rolling = ds.spec.updateStrategy.rollingUpdate ?? {};
    const doomed: Pod[] = [];
    if (this.surging(ds)) {
      let budget = scaledValue(rolling.maxSurge, desired, true);
      for (const node of eligible) {
        const pods = (byNode.get(node.metadata.name ?? '') ?? []).filter((p) => !isPodTerminal(p));
        const fresh = pods.filter((p) => p.metadata.labels?.[controllerRevisionHashLabel] === hash);
        const old = pods.filter((p) => p.metadata.labels?.[controllerRevisionHashLabel] !== hash);
        if (old.length === 0) continue;
        if (fresh.some(available)) doomed.push(...old);
        else if (fresh.length === 0 && budget > 0) {
          budget--;
          toCreate.push(node.metadata.name ?? '');
        }
      }
      return doomed;
    }
    const maxUnavailable = Math.max(1, scaledValue(rolling.maxUnavailable ?? 1, desired, false));
    let unavailable = eligible.filter((node) => !(byNode.get(node.metadata.name ?? '') ?? []).some((p) => !isPodTerminal(p) && available(p))).length;
    for (const node of eligible) {
      if (unavailable >= maxUnavailable) break;
      const pods = (byNode.get(node.metadata.name ?? '') ?? []).filter((p) => !isPodTerminal(p));
      const old = pods.filter((p) => p.metadata.labels?.[controllerRevisionHashLabel] !== hash);
      if (old.length === 0) continue;
      doomed.push(...old);
      if (old.some(available)) unavailable++;
    }
    return doomed;
  }

  /** The daemon pod for `nodeName`: the template with the daemon tolerations, the revision's hash, pinned to the node. */
  private podFor(ds: DaemonSet, hash: string, nodeName: string): Pod {
    const pod = podFromTemplate(ds.spec.template, ds.metadata.namespace ?? '', ds.metadata.name ?? '', newControllerRef(ds, daemonSetKind));
    pod.metadata.labels = { ...pod.metadata.labels, [controllerRevisionHashLabel]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) };
    pod.spec.tolerations = daemonPodTolerations(pod.spec);
    if (nodeName) pinToNode(pod.spec, nodeName);
    return pod;
  }

  private async updateStatus(ds: DaemonSet, hash: string, eligible: Node[], byNode: Map<string, Pod[]>): Promise<void> {
    const now = this.ctx.clock.now();
    const eligibleNames = new Set(eligible.map((n) => n.metadata.name ?? ''));
    let current = 0;
    let ready = 0;
    let available = 0;
    let updated = 0;
    let misscheduled = 0;
    for (const [node, all] of byNode) {
      const pods = all.filter((p) => !isPodTerminal(p));
      if (pods.length === 0) continue;
      if (!eligibleNames.has(node)) {
        misscheduled++;
        continue;
      }
      current++;
      if (pods.some(isPodReady)) ready++;
      if (pods.some((p) => isPodAvailable(p, ds.spec.minReadySeconds ?? 0, now))) available++;
      if (pods.some((p) => p.metadata.labels?.[controllerRevisionHashLabel] === hash)) updated++;
    }
    const status = {
      ...ds.status,
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: eligible.length,
      numberReady: ready,
      observedGeneration: ds.metadata.generation,
      updatedNumberScheduled: updated,
      numberAvailable: available,
      numberUnavailable: eligible.length - available,
    };
    if (status.numberAvailable === 0) delete (status as Record<string, unknown>).numberAvailable;
    if (status.numberUnavailable === 0) delete (status as Record<string, unknown>).numberUnavailable;
    if (status.updatedNumberScheduled === 0) delete (status as Record<string, unknown>).updatedNumberScheduled;
    if (deepEqual(ds.status ?? {}, status)) return;
    await this.dsClient.updateStatus(ds.metadata.namespace, { ...ds, status });
    // Availability comes with time: look again once minReadySeconds have passed.
    if ((ds.spec.minReadySeconds ?? 0) > 0 && ready > available) this.queue.addAfter(keyOf(ds), (ds.spec.minReadySeconds ?? 0) * 1000);
  }
}
