// The HPA's resource metrics client (metrics/client.go's resourceMetricsClient):
// lists PodMetrics of the target's pods from metrics.k8s.io, through the API
// as kube-controller-manager does, and sums each pod's containers (or takes
// one container) in milli-units.

import type { KubeClient } from '../../kube/client/types.ts';
import { parseGoDuration } from '../../kube/goFormat.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { milliValue } from '../../kube/quantity.ts';
import type { PodMetrics } from './replicaCalculator.ts';

const podMetricsResource = { group: 'metrics.k8s.io', version: 'v1beta1', plural: 'pods' };

interface PodMetricsObject extends KubeObject {
  timestamp?: string;
  window?: string;
  containers?: Array<{ name: string; usage?: Record<string, string> }>;
}

export class ResourceMetricsError extends Error {}

export async function getResourceMetric(client: KubeClient, resource: string, namespace: string, labelSelector: string, container: string): Promise<{ metrics: PodMetrics; timestamp: number }> {
  let items: PodMetricsObject[];
  try {
    items = (await client.resource<PodMetricsObject>(podMetricsResource).list(namespace, { labelSelector })).items;
  } catch (err) {
    throw new ResourceMetricsError(`unable to fetch metrics from resource metrics API: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (items.length === 0) throw new ResourceMetricsError('no metrics returned from resource metrics API');
  const metrics: PodMetrics = new Map();
  for (const item of items) {
    const timestamp = Date.parse(item.timestamp ?? '') || 0;
    const windowMs = parseGoDuration(item.window ?? '') ?? 0;
    const name = item.metadata.name ?? '';
    const containers = item.containers ?? [];
    if (container) {
      for (const c of containers) {
        if (c.name !== container) continue;
        const usage = c.usage?.[resource];
        if (usage === undefined) throw new ResourceMetricsError(`failed to get container metrics: missing resource metric ${resource} for container ${c.name} in pod ${item.metadata.namespace}/${name}`);
        metrics.set(name, { timestamp, windowMs, value: milliValue(usage) });
      }
      continue;
    }
    // A pod with a container lacking the resource is left out, as getPodMetrics does.
    if (containers.length === 0 || containers.some((c) => c.usage?.[resource] === undefined)) continue;
    metrics.set(name, { timestamp, windowMs, value: containers.reduce((sum, c) => sum + milliValue(c.usage![resource]), 0) });
  }
  return { metrics, timestamp: Date.parse(items[0].timestamp ?? '') || 0 };
}
