// The Resource Metrics API objects, as metrics-server writes them: PodMetrics
// with each container's CPU (nanocores, `123456n`) and memory working set
// (`1234Ki`), the pod's labels and the sampling window; NodeMetrics summing
// the pods on each node.

import type { KubeObject } from '../kube/meta.ts';
import { kubeTimestamp } from '../kube/time.ts';
import type { ReadOnlyResources } from '../apiserver/readOnly.ts';
import { nodeMetrics, podMetrics } from '../apiserver/resources/metrics.k8s.io.ts';
import type { PodUsage, UsageCollector } from './usageCollector.ts';

const cpu = (nanoCores: number) => `${Math.round(nanoCores)}n`;
const memory = (bytes: number) => `${Math.round(bytes / 1024)}Ki`;
const window = (ms: number) => `${Number((ms / 1000).toFixed(3))}s`;

function podObject(pod: PodUsage): KubeObject {
  return {
    metadata: { name: pod.name, namespace: pod.namespace, creationTimestamp: kubeTimestamp(new Date()), labels: pod.labels },
    timestamp: kubeTimestamp(pod.timestamp),
    window: window(pod.windowMs),
    containers: pod.containers.map((c) => ({ name: c.name, usage: { cpu: cpu(c.nanoCores), memory: memory(c.memoryBytes) } })),
  } as KubeObject;
}

function nodeObjects(pods: PodUsage[], nodeNames: string[]): KubeObject[] {
  return nodeNames.map((name) => {
    const onNode = pods.filter((p) => p.node === name);
    const containers = onNode.flatMap((p) => p.containers);
    const latest = onNode.reduce((t, p) => Math.max(t, p.timestamp.getTime()), 0) || Date.now();
    return {
      metadata: { name, creationTimestamp: kubeTimestamp(new Date()), labels: {} },
      timestamp: kubeTimestamp(new Date(latest)),
      window: window(onNode[0]?.windowMs ?? 10_000),
      usage: { cpu: cpu(containers.reduce((s, c) => s + c.nanoCores, 0)), memory: memory(containers.reduce((s, c) => s + c.memoryBytes, 0)) },
    } as KubeObject;
  });
}

/** Serves metrics.k8s.io from the collector's latest figures (or any source of them: tests give their own). */
export function serveMetricsApi(readOnly: ReadOnlyResources, collector: Pick<UsageCollector, 'podUsage'>, nodeNames: () => string[]): void {
  readOnly.register(podMetrics, { list: (namespace) => collector.podUsage().filter((p) => !namespace || p.namespace === namespace).map(podObject) });
  readOnly.register(nodeMetrics, { list: () => nodeObjects(collector.podUsage(), nodeNames()) });
}
