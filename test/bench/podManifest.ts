// The pod every benchmark creates: one busybox container sleeping, with a
// small request so that thousands fit on a node's CPU.

export interface BenchPodOptions {
  labels?: Record<string, string>;
  /**
   * `busybox:latest` means pull Always in Kubernetes, and no registry answers
   * here: a benchmark whose pods must start says IfNotPresent, so the image
   * already on the machine is used, as the "image present" asks.
   */
  imagePullPolicy?: 'IfNotPresent';
  /** Pods no node matches stay Pending, so only the benchmark changes them. */
  nodeSelector?: Record<string, string>;
  /** A scheduler nobody runs: the default scheduler leaves the pods alone, so no scheduling work runs beside what is timed. */
  schedulerName?: string;
}

export interface PodManifest {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: { name?: string; labels: Record<string, string> };
  spec: Record<string, unknown>;
}

export function benchPod(name: string | undefined, options: BenchPodOptions = {}): PodManifest {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...(name ? { name } : {}), labels: options.labels ?? { app: 'bench' } },
    spec: {
      ...(options.nodeSelector ? { nodeSelector: options.nodeSelector } : {}),
      ...(options.schedulerName ? { schedulerName: options.schedulerName } : {}),
      containers: [
        {
          name: 'app',
          image: 'busybox:latest',
          command: ['sleep', '3600'],
          ...(options.imagePullPolicy ? { imagePullPolicy: options.imagePullPolicy } : {}),
          resources: { requests: { cpu: '10m', memory: '16Mi' } },
        },
      ],
    },
  };
}
