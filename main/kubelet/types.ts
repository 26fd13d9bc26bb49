// The parts of core/v1 Pod the kubelet reads and writes, typed over the plain
// JSON the API server stores. Only fields the kubelet acts on are listed;
// everything else travels through untouched.

import type { KubeObject } from '../kube/meta.ts';

export type ResourceList = Record<string, Quantity>;
export type {
  ObjectFieldSelector,
  ResourceFieldSelector,
  EnvVar,
  EnvFromSource,
  ContainerPort,
  HTTPHeader,
  LifecycleHandler,
  Probe,
  SecurityContext,
  VolumeMount,
  KeyToPath,
  DownwardAPIVolumeFile,
  VolumeProjection as ProjectionSource,
  Volume,
  PodCondition,
  ContainerStateWaiting,
  ContainerStateRunning,
  ContainerStateTerminated,
  ContainerState,
} from '../kube/types/core-v1.ts';
import type * as core from '../kube/types/core-v1.ts';
import type { Quantity } from '../kube/types/resource.ts';

/** Validation gives every container the kubelet runs an image. */
export type Container = core.Container & { image: string };

/** A debugging container added through pods/ephemeralcontainers; `targetContainerName` names the container whose processes it sees. */
export type EphemeralContainer = Container & { targetContainerName?: string };

/** What a pod's spec holds as the kubelet reads it: containers with images. */
export type PodSpec = Omit<core.PodSpec, 'containers' | 'initContainers' | 'ephemeralContainers'> & { containers: Container[]; initContainers?: Container[]; ephemeralContainers?: EphemeralContainer[] };

/** The kubelet always reports both states of a container. */
export type ContainerStatus = core.ContainerStatus & { state: core.ContainerState; lastState: core.ContainerState };

export type PodStatus = Omit<core.PodStatus, 'containerStatuses' | 'initContainerStatuses' | 'ephemeralContainerStatuses'> & {
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  ephemeralContainerStatuses?: ContainerStatus[];
};

/** A stored pod as the kubelet reads it. */
export type Pod = Omit<core.Pod, 'spec' | 'status'> & KubeObject & { spec: PodSpec; status?: PodStatus };

/** Every container the kubelet may run for the pod: app, init and ephemeral ones. */
export function allContainers(pod: Pod): Container[] {
  return [...pod.spec.containers, ...(pod.spec.initContainers ?? []), ...(pod.spec.ephemeralContainers ?? [])];
}

export function formatPod(pod: Pod): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

export function podUid(pod: Pod): string {
  return pod.metadata.uid ?? '';
}

/** A sidecar: an init container with restartPolicy Always. */
export function isRestartableInitContainer(container: Container): boolean {
  return container.restartPolicy === 'Always';
}

export function isHostNetworkPod(pod: Pod): boolean {
  return pod.spec.hostNetwork === true;
}
