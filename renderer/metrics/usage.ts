// Pod and container usage as `kubectl top` prints it: CPU in millicores
// (`12m`), memory in mebibytes (`34Mi`), read from the metrics.k8s.io API
// that PodLab serves itself.

import { milliValue, quantityValue } from '../../main/kube/quantity.ts';
import type { KubeObject } from '../../preload/api.ts';

export interface Usage {
  cpuMilli: number;
  memoryBytes: number;
}

export interface PodUsage extends Usage {
  containers: Record<string, Usage>;
  timestamp?: string;
}

interface PodMetrics extends KubeObject {
  timestamp?: string;
  containers?: Array<{ name: string; usage?: { cpu?: string; memory?: string } }>;
}

function usageOf(usage: { cpu?: string; memory?: string } | undefined): Usage {
  return { cpuMilli: usage?.cpu ? milliValue(usage.cpu) : 0, memoryBytes: usage?.memory ? quantityValue(usage.memory) : 0 };
}

/** PodMetrics summed over containers, as kubectl top pod does. */
export function podUsage(metrics: KubeObject): PodUsage {
  const containers: Record<string, Usage> = {};
  const total: Usage = { cpuMilli: 0, memoryBytes: 0 };
  for (const c of (metrics as PodMetrics).containers ?? []) {
    const u = usageOf(c.usage);
    containers[c.name] = u;
    total.cpuMilli += u.cpuMilli;
    total.memoryBytes += u.memoryBytes;
  }
  return { ...total, containers, timestamp: (metrics as PodMetrics).timestamp };
}

export function cpuText(milli: number): string {
  return `${Math.round(milli)}m`;
}

export function memoryText(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))}Mi`;
}
