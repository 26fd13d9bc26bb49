// Where probe outcomes meet the kubelet: the sync decision restarts a
// container whose liveness or startup probe failed, and the status marks a
// container ready or started from them. The ProbeManager (probes/) runs the
// probes; `noProbes` answers "never ran", which for a container with no probe
// declared means ready once running, as in Kubernetes.

import type { RuntimeContainerStatus } from './runtimePodStatus.ts';
import type { Pod } from './types.ts';

export type ProbeResult = 'success' | 'failure';
export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbeResults {
  /** The last result for this container instance, undefined while the probe has not run. */
  get(kind: ProbeKind, containerId: string): ProbeResult | undefined;
}

/** What the pod syncer tells the probes about a pod's life. */
export interface PodProbes extends ProbeResults {
  /** After each sync has read the runtime: starts workers for new pods, resets them for new container instances. */
  addPod(pod: Pod, containers: RuntimeContainerStatus[]): void;
  /** The pod is terminating: only readiness keeps running. */
  stopLivenessAndStartup(podUid: string): void;
  /** The pod is gone from the node. */
  removePod(podUid: string): void;
}

export const noProbes: PodProbes = { get: () => undefined, addPod: () => undefined, stopLivenessAndStartup: () => undefined, removePod: () => undefined };
