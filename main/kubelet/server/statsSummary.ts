// The kubelet's Summary API (/stats/summary, stats/v1alpha1): the node and
// each of its pods with their containers' CPU and memory, from the latest
// sample of each running container (usageCollector.ts), as a kubelet reports
// cAdvisor's latest housekeeping. PodLab's pods are the engine's containers,
// not processes inside the node, so the node's figures are its pods' sums.
// Only what is measured is reported: Go's omitempty leaves the rest out
// (file systems, network, rlimit), and readers of the API treat each as optional.

import { kubeTimestamp } from '../../kube/time.ts';
import { samplesByPod, type ContainerSample } from '../../metrics/usageCollector.ts';
import type { Pod } from '../types.ts';

interface CpuStats {
  time: string;
  usageNanoCores: number;
  usageCoreNanoSeconds: number;
}

interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes: number;
  workingSetBytes: number;
}

export interface SummaryInputs {
  nodeName: string;
  /** When the kubelet started: the node's and its "pods" system container's start time. */
  startedAt: Date;
  /** The node's memory capacity, for its availableBytes. */
  memoryCapacityBytes: number;
  pods: Pod[];
  samples: ContainerSample[];
  /** The time of figures when nothing was sampled yet. */
  now: Date;
}

/** When the newest of these samples was taken; `now` when there are none. */
function latest(samples: ContainerSample[], now: Date): Date {
  return samples.length ? new Date(Math.max(...samples.map((s) => s.stats.timestamp.getTime()))) : now;
}

function cpuOf(samples: ContainerSample[], now: Date): CpuStats {
  return {
    time: kubeTimestamp(latest(samples, now)),
    usageNanoCores: samples.reduce((sum, s) => sum + s.stats.cpu.usageNanoCores, 0),
    usageCoreNanoSeconds: samples.reduce((sum, s) => sum + s.stats.cpu.usageCoreNanoSeconds, 0),
  };
}

function memoryOf(samples: ContainerSample[], now: Date, limitBytes?: number): MemoryStats {
  const workingSetBytes = samples.reduce((sum, s) => sum + s.stats.memory.workingSetBytes, 0);
  return {
    time: kubeTimestamp(latest(samples, now)),
    // As cAdvisor: what is left under the limit, when there is one.
    ...(limitBytes ? { availableBytes: Math.max(0, limitBytes - workingSetBytes) } : {}),
    usageBytes: samples.reduce((sum, s) => sum + s.stats.memory.usageBytes, 0),
    workingSetBytes,
  };
}

/** A container's memory limit; undefined for none (the engine then reports the machine's memory as its limit). */
function memoryLimit(sample: ContainerSample, machineBytes: number): number | undefined {
  const limit = sample.stats.memory.limitBytes;
  return limit && (!machineBytes || limit < machineBytes) ? limit : undefined;
}

function containerStats(sample: ContainerSample, now: Date, machineBytes: number) {
  const pids = sample.stats.pids;
  return {
    name: sample.container,
    startTime: kubeTimestamp(sample.createdAt),
    cpu: cpuOf([sample], now),
    memory: memoryOf([sample], now, memoryLimit(sample, machineBytes)),
    ...(pids !== undefined ? { process_stats: { process_count: pids } } : {}),
  };
}

export function statsSummary(inputs: SummaryInputs): Record<string, unknown> {
  const { now } = inputs;
  const byPod = samplesByPod(inputs.samples);
  // The pods the kubelet runs, each with whatever of its containers has been sampled (none yet: no figures).
  const pods = inputs.pods
    .filter((pod) => byPod.has(pod.metadata.uid ?? ''))
    .map((pod) => {
      const samples = byPod.get(pod.metadata.uid ?? '')!;
      const pids = samples.reduce((sum, s) => sum + (s.stats.pids ?? 0), 0);
      return {
        podRef: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
        startTime: pod.status?.startTime ?? kubeTimestamp(latest(samples, now)),
        containers: samples.map((sample) => containerStats(sample, now, inputs.memoryCapacityBytes)),
        cpu: cpuOf(samples, now),
        memory: memoryOf(samples, now),
        process_stats: { process_count: pids },
      };
    });
  const all = inputs.samples;
  const startTime = kubeTimestamp(inputs.startedAt);
  return {
    node: {
      nodeName: inputs.nodeName,
      systemContainers: [{ name: 'pods', startTime, cpu: cpuOf(all, now), memory: memoryOf(all, now, inputs.memoryCapacityBytes) }],
      startTime,
      cpu: cpuOf(all, now),
      memory: memoryOf(all, now, inputs.memoryCapacityBytes),
    },
    pods,
  };
}
