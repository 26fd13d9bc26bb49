// The HPA's replica calculator for resource metrics (pkg/controller/podautoscaler
// replica_calculator.go): from the pods the target's selector picks and their
// usage, the replica count that brings usage to the target. Pods that are
// going away or failed are ignored; pending pods, and for CPU pods not yet
// ready (or ready too recently for their sample to count), are "unready";
// pods without a sample are "missing". Within the tolerance nothing changes;
// otherwise missing and unready pods are assumed to use what moves the
// proposal least (the target or nothing), and a proposal that would flip
// direction because of them is dropped.

import { milliValue } from '../../kube/quantity.ts';
import { podReadyCondition } from '../shared/podUtil.ts';
import type { Pod } from '../shared/types.ts';
import { parseTime } from '../shared/time.ts';

/** One pod's usage as the metrics API reported it, in milli-units (millicores, milli-bytes). */
export interface PodMetric {
  timestamp: number;
  windowMs: number;
  value: number;
}

export type PodMetrics = Map<string, PodMetric>;

export interface ReplicaCalculatorSettings {
  /** --horizontal-pod-autoscaler-tolerance, 0.1. */
  tolerance: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period, 5 min. */
  cpuInitializationPeriodMs: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay, 30 s. */
  delayOfInitialReadinessStatusMs: number;
}

export const defaultReplicaCalculatorSettings: ReplicaCalculatorSettings = { tolerance: 0.1, cpuInitializationPeriodMs: 5 * 60_000, delayOfInitialReadinessStatusMs: 30_000 };

export class ReplicaCalculationError extends Error {}

interface PodGroups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/** groupPods. */
export function groupPods(pods: Pod[], metrics: PodMetrics, resource: string, settings: ReplicaCalculatorSettings, now: number): PodGroups {
  const groups: PodGroups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') {
      groups.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      groups.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      groups.missing.add(name);
      continue;
    }
    if (resource === 'cpu' && cpuSampleUnready(pod, metric, settings, now)) {
      groups.unready.add(name);
      continue;
    }
    groups.readyPodCount++;
  }
  return groups;
}

/**
 * A CPU sample does not count while the pod is starting: within the
 * initialization period, if the pod is not ready or its sample was taken
 * before a full window had passed since it became ready; after it, only if
 * the pod never became ready shortly after starting.
 */
function cpuSampleUnready(pod: Pod, metric: PodMetric, settings: ReplicaCalculatorSettings, now: number): boolean {
  const condition = podReadyCondition(pod);
  const startTime = parseTime(pod.status?.startTime ?? undefined);
  if (!condition || startTime === undefined) return true;
  const transition = parseTime(condition.lastTransitionTime ?? undefined) ?? 0;
  if (startTime + settings.cpuInitializationPeriodMs > now) {
    return condition.status === 'False' || metric.timestamp < transition + metric.windowMs;
  }
  return condition.status === 'False' && startTime + settings.delayOfInitialReadinessStatusMs > transition;
}

/** calculatePodRequests: each pod's request of `resource` (milli-units), summed over its containers (or one container) and restartable init containers. */
export function calculatePodRequests(pods: Pod[], container: string, resource: string): Map<string, number> {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    const containers = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    let sum = 0;
    for (const c of containers) {
      if (container !== '' && container !== c.name) continue;
      const request = c.resources?.requests?.[resource];
      if (request === undefined) throw new ReplicaCalculationError(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      sum += milliValue(String(request));
    }
    requests.set(pod.metadata.name ?? '', sum);
  }
  return requests;
}

/** GetResourceUtilizationRatio: usage over requests, as whole percents (Go's integer division). */
export function resourceUtilizationRatio(metrics: PodMetrics, requests: Map<string, number>, targetUtilization: number): { ratio: number; utilization: number; rawAverage: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [name, metric] of metrics) {
    const request = requests.get(name);
    if (request === undefined) continue;
    metricsTotal += metric.value;
    requestsTotal += request;
    entries++;
  }
  // A pod whose requests add up to zero counts as none: Kubernetes divides by the total.
  if (requestsTotal === 0) throw new ReplicaCalculationError('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(metricsTotal / entries) };
}

/** GetMetricUsageRatio. */
export function metricUsageRatio(metrics: PodMetrics, targetUsage: number): { ratio: number; usage: number } {
  let total = 0;
  for (const metric of metrics.values()) total += metric.value;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / targetUsage, usage };
}

function withoutPods(metrics: PodMetrics, names: Set<string>): PodMetrics {
  const kept = new Map(metrics);
  for (const name of names) kept.delete(name);
  return kept;
}

interface Sampled {
  pods: Pod[];
  groups: PodGroups;
  metrics: PodMetrics;
}

function sample(pods: Pod[], allMetrics: PodMetrics, resource: string, settings: ReplicaCalculatorSettings, now: number): Sampled {
  if (pods.length === 0) throw new ReplicaCalculationError('no pods returned by selector while calculating replica count');
  const groups = groupPods(pods, allMetrics, resource, settings, now);
  const metrics = withoutPods(withoutPods(allMetrics, groups.ignored), groups.unready);
  if (metrics.size === 0) throw new ReplicaCalculationError('did not receive metrics for targeted pods (pods might be unready)');
  return { pods, groups, metrics };
}

/**
 * The shared second half of both calculations: with missing or unready pods,
 * fill them in conservatively, recompute, and keep the current count when
 * they change the direction or bring the ratio within tolerance.
 */
function reconsider(
  current: number,
  usageRatio: number,
  sampled: Sampled,
  settings: ReplicaCalculatorSettings,
  missingValue: (podName: string, scaleDown: boolean) => number,
  ratioOf: (metrics: PodMetrics) => number,
): number {
  const { groups, metrics } = sampled;
  const scaleUpWithUnready = groups.unready.size > 0 && usageRatio > 1.0;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (Math.abs(1.0 - usageRatio) <= settings.tolerance) return current;
    return Math.ceil(usageRatio * groups.readyPodCount);
  }
  const filled = new Map(metrics);
  if (groups.missing.size > 0) {
    if (usageRatio < 1.0) for (const name of groups.missing) filled.set(name, { timestamp: 0, windowMs: 0, value: missingValue(name, true) });
    else if (usageRatio > 1.0) for (const name of groups.missing) filled.set(name, { timestamp: 0, windowMs: 0, value: 0 });
  }
  if (scaleUpWithUnready) for (const name of groups.unready) filled.set(name, { timestamp: 0, windowMs: 0, value: 0 });
  const newRatio = ratioOf(filled);
  if (Math.abs(1.0 - newRatio) <= settings.tolerance || (usageRatio < 1.0 && newRatio > 1.0) || (usageRatio > 1.0 && newRatio < 1.0)) return current;
  const proposal = Math.ceil(newRatio * filled.size);
  if ((newRatio < 1.0 && proposal > current) || (newRatio > 1.0 && proposal < current)) return current;
  return proposal;
}

/** GetResourceReplicas: a target of average utilization (percent of request). */
export function resourceReplicas(
  current: number,
  targetUtilization: number,
  resource: string,
  container: string,
  pods: Pod[],
  allMetrics: PodMetrics,
  settings: ReplicaCalculatorSettings,
  now: number,
): { replicas: number; utilization: number; rawUtilization: number } {
  const sampled = sample(pods, allMetrics, resource, settings, now);
  const requests = calculatePodRequests(pods, container, resource);
  const { ratio, utilization, rawAverage } = resourceUtilizationRatio(sampled.metrics, requests, targetUtilization);
  // A missing pod assumed at the target (at least 100% of its request) when scaling down.
  const fallbackUtilization = Math.max(100, targetUtilization);
  const replicas = reconsider(
    current,
    ratio,
    sampled,
    settings,
    (name) => Math.trunc(((requests.get(name) ?? 0) * fallbackUtilization) / 100),
    (metrics) => resourceUtilizationRatio(metrics, requests, targetUtilization).ratio,
  );
  return { replicas, utilization, rawUtilization: rawAverage };
}

/** GetRawResourceReplicas: a target of average usage per pod (milli-units). */
export function rawResourceReplicas(current: number, targetUsage: number, resource: string, pods: Pod[], allMetrics: PodMetrics, settings: ReplicaCalculatorSettings, now: number): { replicas: number; usage: number } {
  const sampled = sample(pods, allMetrics, resource, settings, now);
  const { ratio, usage } = metricUsageRatio(sampled.metrics, targetUsage);
  const replicas = reconsider(current, ratio, sampled, settings, () => targetUsage, (metrics) => metricUsageRatio(metrics, targetUsage).ratio);
  return { replicas, usage };
}
