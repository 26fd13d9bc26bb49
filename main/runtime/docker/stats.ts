// Resource usage as the kubelet's summary API reports it: cumulative CPU
// time, average CPU over the engine's sampling interval, and the memory
// working set (usage minus inactive page cache), under cgroup v1 and v2.

import type Docker from 'dockerode';
import type { ContainerStats } from '../runtime.ts';
import { engineCall } from './engine.ts';

export async function containerStats(docker: Docker, containerId: string): Promise<ContainerStats> {
  const raw = await engineCall(`stats of ${containerId}`, () => docker.getContainer(containerId).stats({ stream: false }));
  return toContainerStats(containerId, raw);
}

export function toContainerStats(containerId: string, raw: Docker.ContainerStats): ContainerStats {
  const cpu = raw.cpu_stats;
  const previous = raw.precpu_stats;
  const cpuDelta = cpu.cpu_usage.total_usage - (previous?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu.system_cpu_usage ?? 0) - (previous?.system_cpu_usage ?? 0);
  const cpus = cpu.online_cpus || cpu.cpu_usage.percpu_usage?.length || 1;
  const usageNanoCores = systemDelta > 0 && cpuDelta > 0 ? Math.round((cpuDelta / systemDelta) * cpus * 1e9) : 0;

  const memory = raw.memory_stats ?? {};
  const details = (memory.stats ?? {}) as Record<string, number | undefined>;
  const usage = memory.usage ?? 0;
  const inactiveFile = details.total_inactive_file ?? details.inactive_file ?? 0;
  const stats: ContainerStats = {
    containerId,
    timestamp: new Date(raw.read),
    cpu: { usageCoreNanoSeconds: cpu.cpu_usage.total_usage, usageNanoCores },
    memory: { workingSetBytes: Math.max(0, usage - inactiveFile), usageBytes: usage },
  };
  if (memory.limit) stats.memory.limitBytes = memory.limit;
  const pids = (raw as { pids_stats?: { current?: number } }).pids_stats?.current;
  if (pids !== undefined) stats.pids = pids;
  return stats;
}
