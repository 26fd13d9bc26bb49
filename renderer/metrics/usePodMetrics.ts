// The pods' CPU and memory, asked of metrics.k8s.io every few seconds (the
// metrics API has no watch, as with metrics-server). When the API is not
// served the answer says so, and the views leave the columns out.

import type { PodUsage } from './usage.ts';
import { podUsage } from './usage.ts';
import { requireBridge } from '../bridge.ts';
import { usePolledCall } from '../hooks/usePolledCall.ts';
import { resources } from '../resourceTypes.ts';

export interface PodMetricsView {
  /** Keyed `namespace/name`. */
  byPod: Map<string, PodUsage>;
  available: boolean;
}

export const metricsPollMs = 5_000;

export function usePodMetrics(namespace: string | undefined, fieldSelector?: string): PodMetricsView | undefined {
  const polled = usePolledCall(
    async () => {
      const list = await requireBridge().call('objects.list', { resource: resources.podMetrics, namespace: namespace || undefined, fieldSelector });
      return new Map(list.items.map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, podUsage(m)]));
    },
    metricsPollMs,
    [namespace, fieldSelector],
  );
  if (polled.value) return { byPod: polled.value, available: true };
  if (polled.error) return { byPod: new Map(), available: false };
  return undefined;
}
