// The disruption controller (kube-controller-manager's disruption
// controller): each PodDisruptionBudget's status from the pods it selects —
// how many are healthy (Ready), how many must stay healthy (minAvailable, or
// the expected count less maxUnavailable; percentages of the expected count,
// which is the scale of the pods' controllers), how many disruptions that
// allows, and the DisruptionAllowed condition (SufficientPods or
// InsufficientPods). Evictions the API admitted stay in disruptedPods until
// their pod is seen going, or for two minutes.

import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import { labelsMatch } from '../../kube/labels/labelSelector.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { labelSelectorObjectToRequirements, type LabelSelectorObject } from '../../apiserver/validation/labelSelectorObject.ts';
import { QueueController, splitKey, type ControllerContext } from '../shared/controller.ts';
import { controllerRefOf } from '../shared/controllerRef.ts';
import { isPodReady } from '../shared/podUtil.ts';
import { scaledValue } from '../shared/intOrPercent.ts';
import { podsResource } from '../shared/resources.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import { parseTime, timestampOf } from '../shared/time.ts';
import type { Pod } from '../shared/types.ts';

const pdbResource = { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets' };
const deletionTimeoutMs = 2 * 60_000;

interface Pdb extends KubeObject {
  spec?: { selector?: LabelSelectorObject; minAvailable?: number | string; maxUnavailable?: number | string };
  status?: { disruptedPods?: Record<string, string>; conditions?: Array<Record<string, unknown>> } & Record<string, unknown>;
}

export class DisruptionController extends QueueController {
  private readonly budgets: SharedInformer<Pdb>;
  private readonly pods: SharedInformer<Pod>;
  private readonly pdbClient: ResourceClient<Pdb>;
  private readonly recorder: EventRecorder;

  constructor(ctx: ControllerContext, workers = 2) {
    super('disruption-controller', ctx, workers);
    this.budgets = ctx.informers.informer<Pdb>(pdbResource);
    this.pods = ctx.informers.informer<Pod>(podsResource);
    this.pdbClient = ctx.client.resource<Pdb>(pdbResource);
    this.recorder = ctx.recorder('controllermanager');
    this.budgets.addEventHandler({ onAdd: (p) => this.enqueue(p), onUpdate: (_o, p) => this.enqueue(p), onDelete: () => undefined });
    const podChanged = (pod: Pod) => {
      for (const pdb of this.budgets.list(pod.metadata.namespace ?? '')) if (this.selects(pdb, pod)) this.enqueue(pdb);
    };
    this.pods.addEventHandler({ onAdd: podChanged, onUpdate: (old, pod) => (podChanged(pod), deepEqual(old.metadata.labels, pod.metadata.labels) ? undefined : podChanged(old)), onDelete: podChanged });
  }

  private selects(pdb: Pdb, pod: Pod): boolean {
    const selector = pdb.spec?.selector;
    return !!selector && labelsMatch(labelSelectorObjectToRequirements(selector) ?? [], pod.metadata.labels);
  }

  /** The pods' controllers' scale: how many pods are expected (Deployments through their ReplicaSets, StatefulSets, RCs). */
  private async expectedCount(pods: Pod[], pdb: Pdb): Promise<number | undefined> {
    const scales = new Map<string, number>();
    for (const pod of pods) {
      const ref = controllerRefOf(pod);
      if (!ref) {
        this.recorder.event(pdb, 'Warning', 'NoControllers', `found no controller ref for pod "${pod.metadata.name}"`);
        return undefined;
      }
      if (scales.has(ref.uid)) continue;
      const kind = this.ctx.resources.kindInfo(ref.apiVersion, ref.kind);
      if (!kind) return undefined;
      try {
        const owner = await this.ctx.client.resource(kind.ref).get(pod.metadata.namespace, ref.name);
        scales.set(ref.uid, (owner.spec as { replicas?: number } | undefined)?.replicas ?? 1);
      } catch (err) {
        if (isApiError(err, 'NotFound')) continue;
        throw err;
      }
    }
    return [...scales.values()].reduce((a, b) => a + b, 0);
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pdb = this.budgets.get(namespace, name);
    if (!pdb) return;
    const now = this.ctx.clock.now();
    const pods = this.pods.list(namespace).filter((pod) => this.selects(pdb, pod));
    const disrupted: Record<string, string> = {};
    for (const [podName, at] of Object.entries(pdb.status?.disruptedPods ?? {})) {
      const pod = pods.find((p) => p.metadata.name === podName);
      const expires = (parseTime(at) ?? 0) + deletionTimeoutMs;
      if (pod && !pod.metadata.deletionTimestamp && expires > now) {
        disrupted[podName] = at;
        this.queue.addAfter(key, expires - now);
      }
    }
    const healthy = pods.filter((pod) => !pod.metadata.deletionTimestamp && !disrupted[pod.metadata.name ?? ''] && isPodReady(pod)).length;
    const { minAvailable, maxUnavailable } = pdb.spec ?? {};
    let expected = pods.length;
    let desired = 0;
    if (maxUnavailable !== undefined || typeof minAvailable === 'string') {
      const counted = await this.expectedCount(pods, pdb);
      if (counted === undefined) return this.writeStatus(pdb, { disruptionsAllowed: 0, currentHealthy: healthy, desiredHealthy: 0, expectedPods: 0 }, disrupted, 'SyncFailed');
      expected = counted;
      desired = maxUnavailable !== undefined ? Math.max(0, expected - scaledValue(maxUnavailable, expected, true)) : scaledValue(minAvailable!, expected, true);
    } else if (minAvailable !== undefined) {
      desired = minAvailable;
    }
    const allowed = Math.max(0, healthy - desired);
    await this.writeStatus(pdb, { disruptionsAllowed: allowed, currentHealthy: healthy, desiredHealthy: desired, expectedPods: expected }, disrupted, allowed > 0 ? 'SufficientPods' : 'InsufficientPods');
  }

  private async writeStatus(pdb: Pdb, counts: Record<string, number>, disrupted: Record<string, string>, reason: string): Promise<void> {
    const allowed = reason === 'SufficientPods';
    const previous = (pdb.status?.conditions ?? []).find((c) => c.type === 'DisruptionAllowed');
    const condition = {
      type: 'DisruptionAllowed',
      status: allowed ? 'True' : 'False',
      observedGeneration: pdb.metadata.generation,
      lastTransitionTime: previous && previous.status === (allowed ? 'True' : 'False') ? previous.lastTransitionTime : timestampOf(this.ctx.clock),
      reason,
      message: '',
    };
    const status = { ...counts, observedGeneration: pdb.metadata.generation, ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}), conditions: [condition] };
    if (deepEqual(pdb.status ?? {}, status)) return;
    try {
      await this.pdbClient.updateStatus(pdb.metadata.namespace, { ...pdb, status });
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }
}

