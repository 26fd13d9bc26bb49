// What metrics-server gathers from kubelets, gathered here from each node's
// container runtime: every `intervalMs`, the running containers' cumulative
// CPU time and memory working set. CPU use is the change of cumulative CPU
// time between two samples (so it needs two), memory the latest working set,
// as metrics-server computes them. Kept in memory only, the latest window per
// container, so `kubectl top pods -A` on thousands of pods answers at once.
// The latest sample of each container is also what the kubelet's own stats
// endpoints report (/stats/summary, /metrics/resource), as a kubelet reports
// cAdvisor's latest housekeeping.

import type { Clock } from '../kube/clock.ts';
import type { ContainerStats, Runtime } from '../runtime/runtime.ts';
import { CONTAINER_TYPE_CONTAINER, LABEL_CONTAINER_NAME, LABEL_CONTAINER_TYPE, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID } from '../runtime/runtime.ts';

export interface ContainerUsage {
  name: string;
  nanoCores: number;
  memoryBytes: number;
}

export interface PodUsage {
  namespace: string;
  name: string;
  node: string;
  /** The pod's own labels, as its containers carry them. */
  labels: Record<string, string>;
  /** When the latest sample was taken, and how long a window the CPU figure covers (ms). */
  timestamp: Date;
  windowMs: number;
  containers: ContainerUsage[];
}

interface Sample {
  at: number;
  cpuNanoSeconds: number;
}

/** A running container's latest figures, with whose they are. */
export interface ContainerSample {
  node: string;
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  containerId: string;
  image: string;
  createdAt: Date;
  stats: ContainerStats;
}

/** Samples grouped by their pod (its uid, else namespace/name), in the order the pods first appear. */
export function samplesByPod(samples: ContainerSample[]): Map<string, ContainerSample[]> {
  const pods = new Map<string, ContainerSample[]>();
  for (const sample of samples) {
    const key = sample.podUid || `${sample.namespace}/${sample.pod}`;
    const group = pods.get(key);
    if (group) group.push(sample);
    else pods.set(key, [sample]);
  }
  return pods;
}

/** The pod's labels among a container's: the runtime's own keys (io.kubernetes.*, podlab.*, annotation.*) left out. */
function podLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([key]) => !key.startsWith('io.kubernetes.') && !key.startsWith('podlab.') && !key.startsWith('annotation.')));
}

export interface UsageSource {
  nodeNames(): string[];
  runtimeFor(node: string): Runtime | undefined;
}

export class UsageCollector {
  private readonly previous = new Map<string, Sample>();
  private pods = new Map<string, PodUsage>();
  private samples: ContainerSample[] = [];
  private timer: { cancel(): void } | undefined;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly source: UsageSource,
    private readonly clock: Clock,
    private readonly intervalMs = 10_000,
  ) {}

  /** Samples now and two seconds later (CPU needs two samples, so `kubectl top` soon has figures), then every interval. */
  start(): void {
    this.schedule(0, 2_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }

  /** The latest usage of every pod with figures (a pod needs two samples of a running container). */
  podUsage(): PodUsage[] {
    return [...this.pods.values()];
  }

  /** The latest sample of each container running on `node`, from the last round. */
  containerSamples(node: string): ContainerSample[] {
    return this.samples.filter((sample) => sample.node === node);
  }

  private schedule(ms: number, nextMs = this.intervalMs): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.running = this.collect().finally(() => this.schedule(nextMs));
    }, ms);
  }

  /** One round over every node's runtime; a node whose runtime fails keeps no figures this round. */
  async collect(): Promise<void> {
    const pods = new Map<string, PodUsage>();
    const samples: ContainerSample[] = [];
    const seen = new Set<string>();
    await Promise.all(
      this.source.nodeNames().map(async (node) => {
        const runtime = this.source.runtimeFor(node);
        if (!runtime) return;
        try {
          const containers = await runtime.listContainers({ state: 'running', labels: { [LABEL_CONTAINER_TYPE]: CONTAINER_TYPE_CONTAINER } });
          await Promise.all(
            containers.map(async (container) => {
              const stats = await runtime.containerStats(container.id).catch(() => undefined);
              if (!stats) return;
              seen.add(container.id);
              const at = stats.timestamp.getTime() || this.clock.now();
              const namespace = container.labels[LABEL_POD_NAMESPACE] ?? '';
              const name = container.labels[LABEL_POD_NAME] ?? '';
              const containerName = container.labels[LABEL_CONTAINER_NAME] ?? container.metadata.name;
              samples.push({ node, namespace, pod: name, podUid: container.labels[LABEL_POD_UID] ?? '', container: containerName, containerId: container.id, image: container.image, createdAt: container.createdAt, stats: { ...stats, timestamp: new Date(at) } });
              const before = this.previous.get(container.id);
              this.previous.set(container.id, { at, cpuNanoSeconds: stats.cpu.usageCoreNanoSeconds });
              if (!before || at <= before.at) return;
              // CPU nanoseconds per millisecond of wall time, times 1000: billionths of a core.
              const nanoCores = Math.max(0, ((stats.cpu.usageCoreNanoSeconds - before.cpuNanoSeconds) / (at - before.at)) * 1e3);
              const key = `${namespace}/${name}`;
              const pod = pods.get(key) ?? { namespace, name, node, labels: podLabels(container.labels), timestamp: new Date(at), windowMs: at - before.at, containers: [] };
              pod.containers.push({ name: containerName, nanoCores, memoryBytes: stats.memory.workingSetBytes });
              if (at > pod.timestamp.getTime()) pod.timestamp = new Date(at);
              pods.set(key, pod);
            }),
          );
        } catch {
          // An engine that does not answer: no figures from this node this round.
        }
      }),
    );
    for (const id of this.previous.keys()) if (!seen.has(id)) this.previous.delete(id);
    this.pods = pods;
    this.samples = samples;
  }
}
