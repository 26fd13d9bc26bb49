// Container names as dockershim gave them, so `docker ps` on a PodLab machine
// reads like it did on a Kubernetes node:
//   sandbox:   k8s_POD_<pod>_<namespace>_<uid>_<attempt>
//   container: k8s_<container>_<pod>_<namespace>_<uid>_<attempt>
// The labels, not the names, are what PodLab reads back.

import { SANDBOX_CONTAINER_NAME, type ContainerMetadata, type PodSandboxMetadata } from '../runtime.ts';

const PREFIX = 'k8s';

export function sandboxContainerName(pod: PodSandboxMetadata): string {
  return [PREFIX, SANDBOX_CONTAINER_NAME, pod.name, pod.namespace, pod.uid, pod.attempt].join('_');
}

export function appContainerName(container: ContainerMetadata, pod: PodSandboxMetadata): string {
  return [PREFIX, container.name, pod.name, pod.namespace, pod.uid, container.attempt].join('_');
}
