// The horizontal pod autoscaler (kube-controller-manager's
// horizontal-pod-autoscaler controller): every 15 seconds, for each HPA, the
// target's pods' CPU (or memory) from metrics.k8s.io against their requests,
// a recommendation by the replica calculator, Kubernetes' default behavior
// (scale up at most max(4 pods, 100%) per 15 s; scale down to the highest
// recommendation of the last 300 s), clamped to min/maxReplicas, written to
// the target's scale subresource, with the conditions, events and status
// Kubernetes gives.

import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { isApiError } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { milliValue } from '../../kube/quantity.ts';
import { podResourceList } from '../../kube/podResources.ts';
import { formatLabelSelectorObject, type LabelSelectorObject } from '../../apiserver/validation/labelSelectorObject.ts';
import { QueueController, keyOf, splitKey, type ControllerContext } from '../shared/controller.ts';
import { isPodReady } from '../shared/podUtil.ts';
import { podsResource } from '../shared/resources.ts';
import type { SharedInformer } from '../shared/sharedInformer.ts';
import { timestampOf } from '../shared/time.ts';
import type { Pod } from '../shared/types.ts';
import { utilizationReplicas, type PodSample } from './replicaCalculator.ts';

const hpaResource = { group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers' };
const podMetricsResource = { group: 'metrics.k8s.io', version: 'v1beta1', plural: 'pods' };
const syncPeriodMs = 15_000;
const scaleDownWindowMs = 300_000;

interface Hpa extends KubeObject {
  spec: {
    scaleTargetRef: { apiVersion?: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: Array<{ type: string; resource?: { name: string; target: { type: string; averageUtilization?: number } } }>;
  };
  status?: Record<string, unknown> & { conditions?: Array<Record<string, string>> };
}

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

export class HorizontalController extends QueueController {
  private readonly hpas: SharedInformer<Hpa>;
  private readonly pods: SharedInformer<Pod>;
  private readonly recorder: EventRecorder;
  /** Each HPA's recent recommendations, for the scale-down stabilization window. */
  private readonly recommendations = new Map<string, Array<{ at: number; replicas: number }>>();

  constructor(ctx: ControllerContext, workers = 2) {
    super('horizontal-pod-autoscaler', ctx, workers);
    this.hpas = ctx.informers.informer<Hpa>(hpaResource);
    this.pods = ctx.informers.informer<Pod>(podsResource);
    this.recorder = ctx.recorder('horizontal-pod-autoscaler');
    this.hpas.addEventHandler({ onAdd: (h) => this.enqueue(h), onUpdate: (old, h) => (old.metadata.generation === h.metadata.generation ? undefined : this.enqueue(h)), onDelete: (h) => this.recommendations.delete(keyOf(h)) });
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const hpa = this.hpas.get(namespace, name);
    if (!hpa) return;
    // Level-driven on a timer, as the HPA's resync: whatever happens, look again in 15 s.
    this.queue.addAfter(key, syncPeriodMs);
    const ref = hpa.spec.scaleTargetRef;
    const kind = this.ctx.resources.kindInfo(ref.apiVersion ?? 'apps/v1', ref.kind);
    const conditions: Condition[] = [];
    if (!kind) {
      conditions.push({ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message: `the HPA controller was unable to get the target's current scale: no matches for kind "${ref.kind}" in group "${(ref.apiVersion ?? '').split('/')[0]}"` });
      this.recorder.event(hpa, 'Warning', 'FailedGetScale', conditions[0]!.message);
      return this.writeStatus(hpa, {}, conditions);
    }
    let target: KubeObject;
    try {
      target = await this.ctx.client.resource(kind.ref).get(namespace, ref.name);
    } catch (err) {
      const message = `the HPA controller was unable to get the target's current scale: ${(err as Error).message}`;
      this.recorder.event(hpa, 'Warning', 'FailedGetScale', message);
      return this.writeStatus(hpa, {}, [{ type: 'AbleToScale', status: 'False', reason: 'FailedGetScale', message }]);
    }
    const spec = (target as { spec?: { replicas?: number; selector?: LabelSelectorObject } }).spec ?? {};
    const current = spec.replicas ?? 1;
    const metric = hpa.spec.metrics?.find((m) => m.type === 'Resource' && m.resource?.target.type === 'Utilization') ?? { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } };
    const resource = metric.resource!.name;
    const selector = formatLabelSelectorObject(spec.selector);
    let recommendation;
    try {
      recommendation = utilizationReplicas(current, metric.resource!.target.averageUtilization ?? 80, await this.samples(namespace, selector, resource));
    } catch (err) {
      const message = `failed to get ${resource} utilization: ${(err as Error).message}`;
      this.recorder.event(hpa, 'Warning', 'FailedGetResourceMetric', message);
      conditions.push({ type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale', message: 'the HPA controller was able to get the target\'s current scale' });
      conditions.push({ type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: `the HPA was unable to compute the replica count: ${message}` });
      return this.writeStatus(hpa, { currentReplicas: current, desiredReplicas: current }, conditions);
    }
    const now = this.ctx.clock.now();
    const stabilized = this.stabilize(key, recommendation.replicas, current, now);
    const min = hpa.spec.minReplicas ?? 1;
    const max = hpa.spec.maxReplicas;
    let desired = Math.min(Math.max(stabilized, min), max);
    let limited: Condition = { type: 'ScalingLimited', status: 'False', reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
    if (stabilized > max) limited = { type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
    if (stabilized < min) limited = { type: 'ScalingLimited', status: 'True', reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
    // Kubernetes' default scale-up policy: at most max(4 pods, double) per period.
    if (desired > current) desired = Math.min(desired, Math.max(current + 4, current * 2));
    const status: Record<string, unknown> = {
      currentReplicas: current,
      desiredReplicas: desired,
      currentMetrics: [{ type: 'Resource', resource: { name: resource, current: { averageUtilization: recommendation.utilization } } }],
    };
    if (desired !== current) {
      const direction = desired > current ? 'above' : 'below';
      await this.ctx.client.resource(kind.ref).patch(namespace, ref.name, 'application/merge-patch+json', { spec: { replicas: desired } }, 'scale');
      this.recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${direction === 'above' ? `${resource} resource utilization (percentage of request) above target` : 'All metrics below target'}`);
      status.lastScaleTime = timestampOf(this.ctx.clock);
      conditions.push({ type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: `the HPA controller was able to update the target scale to ${desired}` });
    } else {
      conditions.push({ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale', message: 'recommended size matches current size' });
    }
    conditions.push({ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: `the HPA was able to successfully calculate a replica count from ${resource} resource utilization (percentage of request)` });
    conditions.push(limited);
    await this.writeStatus(hpa, status, conditions);
  }

  /** Ready pods of the target with their usage and requests of `resource`. */
  private async samples(namespace: string, selector: string, resource: string): Promise<PodSample[]> {
    const metrics = (await this.ctx.client.resource(podMetricsResource).list(namespace, { labelSelector: selector })).items as Array<KubeObject & { containers?: Array<{ name: string; usage: Record<string, string> }> }>;
    const samples: PodSample[] = [];
    for (const m of metrics) {
      const pod = this.pods.get(namespace, m.metadata.name ?? '');
      if (!pod || pod.metadata.deletionTimestamp || !isPodReady(pod)) continue;
      const lacking = pod.spec.containers.find((c) => !c.resources?.requests?.[resource]);
      const requests = podResourceList(pod.spec as never, 'requests').get(resource);
      samples.push({
        name: pod.metadata.name ?? '',
        usage: (m.containers ?? []).reduce((sum, c) => sum + (c.usage[resource] ? milliValue(c.usage[resource]) : 0), 0),
        request: requests ? milliValue(requests) : 0,
        ...(lacking ? { missingRequest: `missing request for ${resource} in container ${lacking.name} of Pod ${pod.metadata.name}` } : {}),
      });
    }
    return samples;
  }

  /** Scale-down stabilization: the highest recommendation of the last five minutes; scaling up is not delayed. */
  private stabilize(key: string, recommended: number, current: number, now: number): number {
    const recent = (this.recommendations.get(key) ?? []).filter((r) => r.at > now - scaleDownWindowMs);
    recent.push({ at: now, replicas: recommended });
    this.recommendations.set(key, recent);
    if (recommended >= current) return recommended;
    return Math.min(current, Math.max(...recent.map((r) => r.replicas)));
  }

  private async writeStatus(hpa: Hpa, status: Record<string, unknown>, conditions: Condition[]): Promise<void> {
    const stamp = timestampOf(this.ctx.clock);
    const previous = hpa.status?.conditions ?? [];
    const withTimes = conditions.map((c) => {
      const before = previous.find((p) => p.type === c.type);
      return { ...c, lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : stamp };
    });
    const next = { ...hpa.status, ...status, conditions: withTimes, observedGeneration: hpa.metadata.generation };
    try {
      await this.ctx.client.resource(hpaResource).updateStatus(hpa.metadata.namespace, { ...hpa, status: next });
    } catch (err) {
      if (!isApiError(err, 'NotFound') && !isApiError(err, 'Conflict')) throw err;
    }
  }
}
