// A container's resources as the runtime enforces them: CPU and memory
// limits from the spec, CPU request as a relative weight, and the pod pids
// limit. A container without a limit is still held to its node's
// allocatable, the way the kubelet's kubepods cgroup holds every pod: that is
// how a node's configured capacity is enforced on a shared Docker engine.

import { milliValue, quantityValue } from '../kube/quantity.ts';
import type { ContainerResources } from '../runtime/runtime.ts';
import type { Container } from './types.ts';

export interface NodeLimits {
  /** Node allocatable, as quantities (`cpu: "4"`, `memory: "8Gi"`). */
  allocatable: Record<string, string>;
  /** Per container; 0 or absent: unlimited. */
  podPidsLimit?: number;
  /** The engine refuses a CPU limit above the CPUs it has, whatever the node claims. */
  engineCpuMillis?: number;
}

export function containerResources(container: Container, node: NodeLimits): ContainerResources {
  const limits = container.resources?.limits ?? {};
  const requests = container.resources?.requests ?? {};
  const result: ContainerResources = {};
  const cpuLimit = limits.cpu ?? node.allocatable.cpu;
  if (cpuLimit !== undefined) {
    const millis = milliValue(String(cpuLimit));
    result.cpuLimitMillis = node.engineCpuMillis ? Math.min(millis, node.engineCpuMillis) : millis;
  }
  if (requests.cpu !== undefined) result.cpuRequestMillis = milliValue(String(requests.cpu));
  const memoryLimit = limits.memory ?? node.allocatable.memory;
  if (memoryLimit !== undefined) result.memoryLimitBytes = quantityValue(String(memoryLimit));
  if (node.podPidsLimit && node.podPidsLimit > 0) result.pidsLimit = node.podPidsLimit;
  return result;
}
