// The kubelet's Prometheus endpoints, with the names, help texts, stability
// levels and labels Kubernetes 1.32 gives them, from what PodLab's kubelet
// knows: /metrics/resource (what metrics-server scrapes: cumulative CPU,
// working set, start times), /metrics/cadvisor (the container_* series
// dashboards chart), /metrics/probes (prober_probe_total) and /metrics (the
// kubelet's own gauges). Prometheus' classic kubernetes-nodes and
// kubernetes-nodes-cadvisor jobs reach these through nodes/proxy.

import type { ContainerState } from '../../runtime/runtime.ts';
import { samplesByPod, type ContainerSample } from '../../metrics/usageCollector.ts';
import type { ProbeTotal } from '../probes/probeHistory.ts';
import type { Pod } from '../types.ts';
import type { MetricFamily, Series } from '../../metrics/prometheusText.ts';

const seconds = (nanoseconds: number) => nanoseconds / 1e9;
const sampledAt = (sample: ContainerSample) => sample.stats.timestamp.getTime();

function containerLabels(sample: ContainerSample): Record<string, string> {
  return { container: sample.container, namespace: sample.namespace, pod: sample.pod };
}

function sum(samples: ContainerSample[], figure: (sample: ContainerSample) => number): number {
  return samples.reduce((total, sample) => total + figure(sample), 0);
}

const cpuTime = (sample: ContainerSample) => seconds(sample.stats.cpu.usageCoreNanoSeconds);
const workingSet = (sample: ContainerSample) => sample.stats.memory.workingSetBytes;

/** /metrics/resource (collectors/resource_metrics.go). A node's figures are its pods' sums: PodLab's pods are the engine's containers, not the node's processes. */
export function resourceMetrics(samples: ContainerSample[], now: number): MetricFamily[] {
  const newest = samples.length ? Math.max(...samples.map(sampledAt)) : now;
  const pods = [...samplesByPod(samples).values()];
  const podLabels = (pod: ContainerSample[]) => ({ namespace: pod[0]!.namespace, pod: pod[0]!.pod });
  const podTime = (pod: ContainerSample[]) => Math.max(...pod.map(sampledAt));
  return [
    { name: 'node_cpu_usage_seconds_total', help: 'Cumulative cpu time consumed by the node in core-seconds', type: 'counter', stability: 'STABLE', series: [{ value: sum(samples, cpuTime), timestampMs: newest }] },
    { name: 'node_memory_working_set_bytes', help: 'Current working set of the node in bytes', type: 'gauge', stability: 'STABLE', series: [{ value: sum(samples, workingSet), timestampMs: newest }] },
    { name: 'container_cpu_usage_seconds_total', help: 'Cumulative cpu time consumed by the container in core-seconds', type: 'counter', stability: 'STABLE', series: samples.map((s) => ({ labels: containerLabels(s), value: cpuTime(s), timestampMs: sampledAt(s) })) },
    { name: 'container_memory_working_set_bytes', help: 'Current working set of the container in bytes', type: 'gauge', stability: 'STABLE', series: samples.map((s) => ({ labels: containerLabels(s), value: workingSet(s), timestampMs: sampledAt(s) })) },
    { name: 'container_start_time_seconds', help: 'Start time of the container since unix epoch in seconds', type: 'gauge', stability: 'STABLE', series: samples.map((s) => ({ labels: containerLabels(s), value: s.createdAt.getTime() / 1000, timestampMs: s.createdAt.getTime() })) },
    { name: 'pod_cpu_usage_seconds_total', help: 'Cumulative cpu time consumed by the pod in core-seconds', type: 'counter', stability: 'STABLE', series: pods.map((pod) => ({ labels: podLabels(pod), value: sum(pod, cpuTime), timestampMs: podTime(pod) })) },
    { name: 'pod_memory_working_set_bytes', help: 'Current working set of the pod in bytes', type: 'gauge', stability: 'STABLE', series: pods.map((pod) => ({ labels: podLabels(pod), value: sum(pod, workingSet), timestampMs: podTime(pod) })) },
    { name: 'resource_scrape_error', help: '1 if there was an error while getting container metrics, 0 otherwise', type: 'gauge', stability: 'STABLE', series: [{ value: 0 }] },
  ];
}

/** /metrics/cadvisor: cAdvisor's core container series, labelled as the kubelet labels them (id: the container's cgroup under Docker's cgroupfs driver). */
export function cadvisorMetrics(samples: ContainerSample[]): MetricFamily[] {
  const labels = (s: ContainerSample) => ({ ...containerLabels(s), id: `/docker/${s.containerId}`, image: s.image, name: s.containerId });
  const series = (figure: (s: ContainerSample) => number | undefined, extra: Record<string, string> = {}): Series[] =>
    samples.flatMap((s) => {
      const value = figure(s);
      return value === undefined ? [] : [{ labels: { ...labels(s), ...extra }, value, timestampMs: sampledAt(s) }];
    });
  return [
    { name: 'container_cpu_usage_seconds_total', help: 'Cumulative cpu time consumed in seconds.', type: 'counter', stability: 'ALPHA', series: series(cpuTime, { cpu: 'total' }) },
    { name: 'container_memory_usage_bytes', help: 'Current memory usage in bytes, including all memory regardless of when it was accessed', type: 'gauge', stability: 'ALPHA', series: series((s) => s.stats.memory.usageBytes) },
    { name: 'container_memory_working_set_bytes', help: 'Current working set in bytes.', type: 'gauge', stability: 'ALPHA', series: series(workingSet) },
    { name: 'container_spec_memory_limit_bytes', help: 'Memory limit for the container.', type: 'gauge', stability: 'ALPHA', series: series((s) => s.stats.memory.limitBytes ?? 0) },
    { name: 'container_processes', help: 'Number of processes running inside the container.', type: 'gauge', stability: 'ALPHA', series: series((s) => s.stats.pids) },
    { name: 'container_start_time_seconds', help: 'Start time of the container since unix epoch in seconds.', type: 'gauge', stability: 'ALPHA', series: series((s) => s.createdAt.getTime() / 1000) },
  ];
}

const probeTypes = { liveness: 'Liveness', readiness: 'Readiness', startup: 'Startup' } as const;
const probeResults = { success: 'successful', failure: 'failed', error: 'unknown' } as const;

/** /metrics/probes (prober/prober_manager.go's ProberResults). */
export function probeMetrics(totals: ProbeTotal[], podOf: (uid: string) => Pod | undefined): MetricFamily[] {
  const series = totals.flatMap((total) => {
    const pod = podOf(total.podUid);
    if (!pod) return [];
    return [{ labels: { container: total.containerName, namespace: pod.metadata.namespace ?? '', pod: pod.metadata.name ?? '', pod_uid: total.podUid, probe_type: probeTypes[total.kind], result: probeResults[total.outcome] }, value: total.count }];
  });
  return [{ name: 'prober_probe_total', help: 'Cumulative number of a liveness, readiness or startup probe for a container by result.', type: 'counter', stability: 'BETA', series }];
}

/** /metrics: the kubelet's own gauges that PodLab's kubelet can state (pkg/kubelet/metrics). */
export function kubeletOwnMetrics(nodeName: string, readySandboxes: number, containerStates: ContainerState[]): MetricFamily[] {
  const counts = new Map<ContainerState, number>();
  for (const state of containerStates) counts.set(state, (counts.get(state) ?? 0) + 1);
  return [
    { name: 'kubelet_node_name', help: "The node's name. The count is always 1.", type: 'gauge', stability: 'ALPHA', series: [{ labels: { node: nodeName }, value: 1 }] },
    { name: 'kubelet_running_pods', help: 'Number of pods that have a running pod sandbox', type: 'gauge', stability: 'ALPHA', series: [{ value: readySandboxes }] },
    { name: 'kubelet_running_containers', help: 'Number of containers currently running', type: 'gauge', stability: 'ALPHA', series: [...counts].map(([state, count]) => ({ labels: { container_state: state }, value: count })) },
  ];
}
