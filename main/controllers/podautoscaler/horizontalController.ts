// The horizontal pod autoscaler controller (kube-controller-manager's
// horizontalpodautoscaling, pkg/controller/podautoscaler/horizontal.go):
// every sync period (15 s) each HPA reads its target's scale subresource,
// proposes a replica count per metric from the resource metrics API and the
// target's pods (replicaCalculator.ts: tolerance, missing, unready and pending
// pods), takes the largest, stabilizes and limits it (scaleNormalization.ts:
// without a behavior the 300 s scale-down window and at most max(2×, 4) up;
// with one its stabilization windows and Pods/Percent policies), writes the
// scale when it changes, and reports what it did in conditions (AbleToScale,
// ScalingActive, ScalingLimited), events (SuccessfulRescale,
// FailedGetResourceMetric, ...) and its status. Resource and ContainerResource
// metrics (Utilization or AverageValue) are read from metrics.k8s.io
// PodMetrics through the API, which PodLab serves itself (main/metrics);
// Pods, Object and External metrics need the custom and external metrics
// APIs, which PodLab does not serve, and fail in those clients' words.

import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import { labelSelectorToString, labelsMatch, parseLabelSelector, type LabelSelectorRequirements } from '../../kube/labels/labelSelector.ts';
import { formatQuantity, milliValue } from '../../kube/quantity.ts';
import type { KubeObject } from '../../kube/meta.ts';
import type { HorizontalPodAutoscalerSpec, HorizontalPodAutoscalerStatus, MetricSpec, MetricStatus, MetricTarget, MetricValueStatus } from '../../kube/types/autoscaling-v2.ts';
import type { Scale } from '../../kube/types/autoscaling-v1.ts';
import { defaultScaleDownRules, defaultScaleUpRules } from '../../kube/autoscaling/hpaBehavior.ts';
import { keyOf, QueueController, splitKey, type ControllerContext } from '../shared/controller.ts';
import { podsResource } from '../shared/resources.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import { timestampOf } from '../shared/time.ts';
import type { Pod } from '../shared/types.ts';
import { setCondition, type HpaConditionType } from './hpaConditions.ts';
import { defaultReplicaCalculatorSettings, rawResourceReplicas, resourceReplicas, type ReplicaCalculatorSettings } from './replicaCalculator.ts';
import { getResourceMetric, ResourceMetricsError } from './resourceMetricsClient.ts';
import { limitWithoutBehavior, ScaleHistory } from './scaleNormalization.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

export const hpaResource = { group: 'autoscaling', version: 'v2', plural: 'horizontalpodautoscalers' };

type Hpa = KubeObject & { spec?: HorizontalPodAutoscalerSpec; status?: HorizontalPodAutoscalerStatus };

export interface HorizontalControllerOptions {
  /** --horizontal-pod-autoscaler-sync-period, 15 s. */
  syncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization, 5 min. */
  downscaleStabilizationMs?: number;
  calculator?: Partial<ReplicaCalculatorSettings>;
}

/** A failure the HPA already reported on itself (event, condition); the sync ends with it. */
class SyncError extends Error {}

interface Proposal {
  replicas: number;
  metric: string;
}

interface MetricFailure {
  reason: string;
  message: string;
  error: string;
}

export class HorizontalController extends QueueController {
  private readonly hpas: SharedInformer<Hpa>;
  private readonly pods: SharedInformer<Pod>;
  private readonly hpaClient: ResourceClient<Hpa>;
  private readonly recorder: EventRecorder;
  private readonly history = new Map<string, ScaleHistory>();
  /** Each HPA's pod selector as of its last sync, to find pods two HPAs claim. */
  private readonly selectors = new Map<string, LabelSelectorRequirements>();
  private readonly syncPeriodMs: number;
  private readonly downscaleStabilizationMs: number;
  private readonly settings: ReplicaCalculatorSettings;

  constructor(ctx: ControllerContext, options: HorizontalControllerOptions = {}) {
    super('horizontal-pod-autoscaler', ctx, 5);
    this.syncPeriodMs = options.syncPeriodMs ?? 15_000;
    this.downscaleStabilizationMs = options.downscaleStabilizationMs ?? 5 * 60_000;
    this.settings = { ...defaultReplicaCalculatorSettings, ...options.calculator };
    this.hpas = ctx.informers.informer<Hpa>(hpaResource);
    this.pods = ctx.informers.informer<Pod>(podsResource);
    this.hpaClient = ctx.client.resource<Hpa>(hpaResource);
    this.recorder = ctx.recorder('horizontal-pod-autoscaler');
    // Every HPA waits a sync period in the queue, new or changed (the HPA rate limiter's fixed interval).
    this.hpas.addEventHandler({
      onAdd: (hpa) => this.queue.addAfter(keyOf(hpa), this.syncPeriodMs),
      onUpdate: (_old, hpa) => this.queue.addAfter(keyOf(hpa), this.syncPeriodMs),
      onDelete: (hpa) => {
        this.history.delete(keyOf(hpa));
        this.selectors.delete(keyOf(hpa));
      },
    });
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const hpa = this.hpas.get(namespace, name);
    if (!hpa) {
      this.history.delete(key);
      this.selectors.delete(key);
      return;
    }
    try {
      await this.reconcileAutoscaler(deepCopy(hpa), key);
    } catch (err) {
      // Errors are reported, never retried sooner: the HPA syncs again after its period anyway.
      if (!(err instanceof SyncError)) this.ctx.onError(err, `horizontal-pod-autoscaler: syncing ${key}`);
    } finally {
      this.queue.addAfter(key, this.syncPeriodMs);
    }
  }

  private historyOf(key: string): ScaleHistory {
    let history = this.history.get(key);
    if (!history) this.history.set(key, (history = new ScaleHistory()));
    return history;
  }

  private now(): number {
    return this.ctx.clock.now();
  }

  private event(hpa: Hpa, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.recorder.event({ ...hpa, apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' }, type, reason, message);
  }

  private condition(hpa: Hpa, type: HpaConditionType, status: 'True' | 'False', reason: string, message: string): void {
    const hpaStatus = (hpa.status ??= { desiredReplicas: 0 });
    hpaStatus.conditions = setCondition(hpaStatus.conditions ?? [], type, status, reason, message, timestampOf(this.ctx.clock));
  }

  private async reconcileAutoscaler(hpa: Hpa, key: string): Promise<void> {
    const original = deepCopy(hpa.status);
    const ref = hpa.spec!.scaleTargetRef;
    const namespace = hpa.metadata.namespace ?? '';
    const reference = `${ref.kind}/${namespace}/${ref.name}`;

    const scale = await this.getScale(hpa, original);
    this.condition(hpa, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale");
    const currentReplicas = scale.scale.spec?.replicas ?? 0;
    const history = this.historyOf(key);
    history.recordInitial(currentReplicas, this.now());

    const minReplicas = hpa.spec!.minReplicas ?? 1;
    const maxReplicas = hpa.spec!.maxReplicas;
    let desiredReplicas = 0;
    let rescaleReason = '';
    let rescale = true;
    let statuses: MetricStatus[] | undefined;
    let partialFailure: string | undefined;

    if (currentReplicas === 0 && minReplicas !== 0) {
      rescale = false;
      this.condition(hpa, 'ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (currentReplicas > maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      const computed = await this.computeReplicasForMetrics(hpa, key, scale.scale, hpa.spec!.metrics ?? []);
      statuses = computed.statuses;
      if (computed.replicas === -1) {
        this.setStatus(hpa, currentReplicas, hpa.status?.desiredReplicas ?? 0, statuses, false);
        await this.updateStatusIfNeeded(original, hpa);
        this.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', computed.error ?? '');
        throw new SyncError(`failed to compute desired number of replicas based on listed metrics for ${reference}: ${computed.error}`);
      }
      partialFailure = computed.error;
      let rescaleMetric = '';
      if (computed.replicas > desiredReplicas) {
        desiredReplicas = computed.replicas;
        rescaleMetric = computed.metric;
      }
      if (desiredReplicas > currentReplicas) rescaleReason = `${rescaleMetric} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';
      desiredReplicas = hpa.spec!.behavior
        ? this.normalizeWithBehaviors(hpa, history, currentReplicas, desiredReplicas, minReplicas)
        : this.normalize(hpa, history, currentReplicas, desiredReplicas, minReplicas);
      rescale = desiredReplicas !== currentReplicas;
    }

    if (rescale) {
      try {
        await scale.client.patch(namespace, ref.name, 'application/merge-patch+json', { spec: { replicas: desiredReplicas } }, 'scale');
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.event(hpa, 'Warning', 'FailedRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${message}`);
        this.condition(hpa, 'AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${message}`);
        this.setStatus(hpa, currentReplicas, hpa.status?.desiredReplicas ?? 0, statuses, false);
        await this.updateStatusIfNeeded(original, hpa);
        throw new SyncError(`failed to rescale ${reference}: ${message}`);
      }
      this.condition(hpa, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desiredReplicas}`);
      this.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      if (hpa.spec!.behavior) history.storeScaleEvent(desiredReplicas > currentReplicas ? hpa.spec!.behavior.scaleUp! : hpa.spec!.behavior.scaleDown!, currentReplicas, desiredReplicas, this.now());
    } else {
      desiredReplicas = currentReplicas;
    }
    this.setStatus(hpa, currentReplicas, desiredReplicas, statuses, rescale);
    await this.updateStatusIfNeeded(original, hpa);
    if (partialFailure) throw new SyncError(partialFailure);
  }

  /** The target's Scale, through the resource its apiVersion and kind map to. */
  private async getScale(hpa: Hpa, original: unknown): Promise<{ scale: Scale; client: ResourceClient }> {
    const ref = hpa.spec!.scaleTargetRef;
    const apiVersion = ref.apiVersion ?? '';
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const fail = async (message: string): Promise<never> => {
      this.event(hpa, 'Warning', 'FailedGetScale', message);
      this.condition(hpa, 'AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${message}`);
      await this.updateStatusIfNeeded(original, hpa);
      throw new SyncError(message);
    };
    if (apiVersion.split('/').length > 2) return fail(`unexpected GroupVersion string: ${apiVersion}`);
    // The group and kind decide, as the REST mapper maps them; the version in the reference does not matter.
    const info = this.ctx.resources.groupKindInfo(group, ref.kind);
    if (!info) return fail(`no matches for kind "${ref.kind}" in group "${group}"`);
    const client = this.ctx.client.resource(info.ref);
    try {
      return { scale: (await client.get(hpa.metadata.namespace, ref.name, 'scale')) as unknown as Scale, client };
    } catch (err) {
      return fail(err instanceof Error ? err.message : String(err));
    }
  }

  /** computeReplicasForMetrics: the largest proposal; -1 when every metric failed (or some failed and the rest would scale down). */
  private async computeReplicasForMetrics(hpa: Hpa, key: string, scale: Scale, specs: MetricSpec[]): Promise<{ replicas: number; metric: string; statuses?: MetricStatus[]; error?: string }> {
    const selector = this.validateAndParseSelector(hpa, key, scale.status?.selector ?? '');
    if (typeof selector === 'string') return { replicas: -1, metric: '', error: selector };
    const specReplicas = scale.spec?.replicas ?? 0;
    const statuses: MetricStatus[] = specs.map(() => ({ type: '' }));
    let replicas = 0;
    let metric = '';
    let invalid = 0;
    let firstFailure: MetricFailure | undefined;
    for (const [i, spec] of specs.entries()) {
      const result = await this.computeReplicasForMetric(hpa, spec, specReplicas, selector);
      if ('error' in result) {
        if (invalid === 0) firstFailure = result;
        invalid++;
        continue;
      }
      statuses[i] = result.status;
      if (replicas === 0 || result.replicas > replicas) {
        replicas = result.replicas;
        metric = result.metric;
      }
    }
    const error = firstFailure ? `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstFailure.error}` : undefined;
    if (invalid >= specs.length || (invalid > 0 && replicas < specReplicas)) {
      if (firstFailure) this.condition(hpa, 'ScalingActive', 'False', firstFailure.reason, firstFailure.message);
      return { replicas: -1, metric: '', statuses, ...(error ? { error } : {}) };
    }
    this.condition(hpa, 'ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metric}`);
    return { replicas, metric, statuses, ...(error ? { error } : {}) };
  }

  /** validateAndParseSelector: the requirements, or the error message (already reported). */
  private validateAndParseSelector(hpa: Hpa, key: string, selector: string): LabelSelectorRequirements | string {
    if (!selector) {
      this.event(hpa, 'Warning', 'SelectorRequired', 'selector is required');
      this.condition(hpa, 'ScalingActive', 'False', 'InvalidSelector', "the HPA target's scale is missing a selector");
      return 'selector is required';
    }
    let requirements: LabelSelectorRequirements;
    try {
      requirements = parseLabelSelector(selector);
    } catch (err) {
      const message = `couldn't convert selector into a corresponding internal selector object: ${err instanceof Error ? err.message : String(err)}`;
      this.event(hpa, 'Warning', 'InvalidSelector', message);
      this.condition(hpa, 'ScalingActive', 'False', 'InvalidSelector', message);
      return message;
    }
    this.selectors.set(key, requirements);
    const namespace = hpa.metadata.namespace ?? '';
    const pods = this.pods.list(namespace).filter((pod) => labelsMatch(requirements, pod.metadata.labels));
    const controlling = [...this.selectors]
      .filter(([other, reqs]) => splitKey(other).namespace === namespace && this.hpas.get(namespace, splitKey(other).name) && pods.some((pod) => labelsMatch(reqs, pod.metadata.labels)))
      .map(([other]) => splitKey(other));
    if (controlling.length > 1) {
      const message = `pods by selector ${selector} are controlled by multiple HPAs: [${controlling
        .map((k) => `{${k.name} ${k.namespace}}`)
        .sort()
        .join(' ')}]`;
      this.event(hpa, 'Warning', 'AmbiguousSelector', message);
      this.condition(hpa, 'ScalingActive', 'False', 'AmbiguousSelector', message);
      return message;
    }
    return requirements;
  }

  /** computeReplicasForMetric for one metric: its proposal and status, or why it failed (already recorded as an event). */
  private async computeReplicasForMetric(hpa: Hpa, spec: MetricSpec, specReplicas: number, selector: LabelSelectorRequirements): Promise<{ replicas: number; metric: string; status: MetricStatus } | MetricFailure> {
    const unable = (reason: string, detail: string, wrapped: string): MetricFailure => {
      this.event(hpa, 'Warning', reason, detail);
      return { reason, message: `the HPA was unable to compute the replica count: ${detail}`, error: wrapped };
    };
    switch (spec.type) {
      case 'Resource':
      case 'ContainerResource': {
        const source = spec.type === 'Resource' ? spec.resource! : spec.containerResource!;
        const container = spec.type === 'ContainerResource' ? spec.containerResource!.container : '';
        try {
          const result = await this.resourceProposal(hpa, specReplicas, source.target, source.name, container, selector);
          const status: MetricStatus =
            spec.type === 'Resource'
              ? { type: 'Resource', resource: { name: source.name, current: result.current } }
              : { type: 'ContainerResource', containerResource: { name: source.name, container, current: result.current } };
          return { replicas: result.replicas, metric: result.metric, status };
        } catch (err) {
          const detail = err instanceof Error ? err.message : String(err);
          return spec.type === 'Resource'
            ? unable('FailedGetResourceMetric', detail, `failed to get ${source.name} resource metric value: ${detail}`)
            : unable('FailedGetContainerResourceMetric', detail, `failed to get ${container} container metric value: ${detail}`);
        }
      }
      case 'Pods':
      case 'Object': {
        // What the custom metrics client answers when no custom.metrics.k8s.io is registered.
        const name = spec.type === 'Pods' ? spec.pods?.metric.name : spec.object?.metric.name;
        const detail = `unable to get metric ${name}: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered`;
        return spec.type === 'Pods' ? unable('FailedGetPodsMetric', detail, `failed to get pods metric value: ${detail}`) : unable('FailedGetObjectMetric', detail, `failed to get object metric value: ${detail}`);
      }
      case 'External': {
        const name = spec.external?.metric.name;
        const detail = `unable to get external metric ${hpa.metadata.namespace}/${name}: unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered`;
        return unable('FailedGetExternalMetric', detail, `failed to get ${name} external metric value: ${detail}`);
      }
      default: {
        const detail = `unknown metric source type "${spec.type}"`;
        return unable('InvalidMetricSourceType', detail, detail);
      }
    }
  }

  /** computeStatusForResourceMetricGeneric. */
  private async resourceProposal(hpa: Hpa, currentReplicas: number, target: MetricTarget, resource: string, container: string, selector: LabelSelectorRequirements): Promise<{ replicas: number; metric: string; current: MetricValueStatus }> {
    const namespace = hpa.metadata.namespace ?? '';
    const pods = this.pods.list(namespace).filter((pod) => labelsMatch(selector, pod.metadata.labels));
    const fetch = async () => {
      try {
        return await getResourceMetric(this.ctx.client, resource, namespace, labelSelectorToString(selector), container);
      } catch (err) {
        if (err instanceof ResourceMetricsError) throw new Error(`unable to get metrics for resource ${resource}: ${err.message}`);
        throw err;
      }
    };
    if (target.averageValue !== undefined) {
      try {
        const { metrics } = await fetch();
        const result = rawResourceReplicas(currentReplicas, milliValue(String(target.averageValue)), resource, pods, metrics, this.settings, this.now());
        return { replicas: result.replicas, metric: `${resource} resource`, current: { averageValue: milliQuantity(result.usage) } };
      } catch (err) {
        throw new Error(`failed to get ${resource} usage: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (target.averageUtilization === undefined) throw new Error('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
    try {
      const { metrics } = await fetch();
      const result = resourceReplicas(currentReplicas, target.averageUtilization, resource, container, pods, metrics, this.settings, this.now());
      const metric = container ? `${resource} container resource utilization (percentage of request)` : `${resource} resource utilization (percentage of request)`;
      return { replicas: result.replicas, metric, current: { averageUtilization: result.utilization, averageValue: milliQuantity(result.rawUtilization) } };
    } catch (err) {
      throw new Error(`failed to get ${resource} utilization: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** normalizeDesiredReplicas (no behavior). */
  private normalize(hpa: Hpa, history: ScaleHistory, current: number, proposal: number, min: number): number {
    const stabilized = history.stabilizeDown(proposal, this.downscaleStabilizationMs, this.now());
    if (stabilized !== proposal) this.condition(hpa, 'AbleToScale', 'True', 'ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation');
    else this.condition(hpa, 'AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size');
    const limited = limitWithoutBehavior(current, stabilized, min, hpa.spec!.maxReplicas);
    this.condition(hpa, 'ScalingLimited', limited.replicas === stabilized ? 'False' : 'True', limited.reason, limited.message);
    return limited.replicas;
  }

  /** normalizeDesiredReplicasWithBehaviors. */
  private normalizeWithBehaviors(hpa: Hpa, history: ScaleHistory, current: number, proposal: number, min: number): number {
    const up = hpa.spec!.behavior!.scaleUp ?? defaultScaleUpRules();
    const down = hpa.spec!.behavior!.scaleDown ?? defaultScaleDownRules();
    const downWindow = down.stabilizationWindowSeconds ?? Math.trunc(this.downscaleStabilizationMs / 1000);
    const stabilized = history.stabilizeWithBehavior(current, proposal, up.stabilizationWindowSeconds ?? 0, downWindow, this.now());
    if (stabilized.replicas !== proposal) this.condition(hpa, 'AbleToScale', 'True', stabilized.reason, stabilized.message);
    else this.condition(hpa, 'AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size');
    const limited = history.limitWithBehavior(current, stabilized.replicas, min, hpa.spec!.maxReplicas, up, down, this.now());
    this.condition(hpa, 'ScalingLimited', limited.replicas === stabilized.replicas ? 'False' : 'True', limited.reason, limited.message);
    return limited.replicas;
  }

  /** setStatus: the replica counts and metrics anew, the conditions and last scale time kept (the latter moved on a rescale). */
  private setStatus(hpa: Hpa, currentReplicas: number, desiredReplicas: number, statuses: MetricStatus[] | undefined, rescale: boolean): void {
    const previous = hpa.status;
    const status: HorizontalPodAutoscalerStatus = { currentReplicas, desiredReplicas };
    if (statuses) status.currentMetrics = statuses;
    if (rescale) status.lastScaleTime = timestampOf(this.ctx.clock);
    else if (previous?.lastScaleTime) status.lastScaleTime = previous.lastScaleTime;
    if (previous?.conditions) status.conditions = previous.conditions;
    hpa.status = status;
  }

  private async updateStatusIfNeeded(original: unknown, hpa: Hpa): Promise<void> {
    if (deepEqual(original, hpa.status)) return;
    try {
      await this.hpaClient.updateStatus(hpa.metadata.namespace, hpa);
    } catch (err) {
      // Deleted meanwhile: nothing to report on. A conflict is reported as Kubernetes does, but not logged
      // as a failure: the HPA syncs again, from the newer object, within a period.
      if (isApiError(err, 'NotFound')) throw new SyncError(String(err));
      const message = err instanceof Error ? err.message : String(err);
      this.event(hpa, 'Warning', 'FailedUpdateStatus', message);
      if (isApiError(err, 'Conflict')) throw new SyncError(message);
      throw new Error(`failed to update status for ${hpa.metadata.name}: ${message}`);
    }
  }
}

function milliQuantity(milli: number): string {
  return formatQuantity({ nano: BigInt(Math.trunc(milli)) * 1_000_000n, format: 'DecimalSI' });
}
