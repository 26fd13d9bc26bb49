// Which container a log or shell is about when the user did not say, as
// kubectl chooses: the `kubectl.kubernetes.io/default-container` annotation,
// else the first container. Any of the pod's containers may be named,
// ephemeral ones (`kubectl debug`) included, as kubectl logs -c allows.

import type { KubeObject } from '../../preload/api.ts';
import { BridgeFailure } from './bridgeError.ts';
import type { ContainerStatus, Pod } from '../kube/types/core-v1.ts';

type PodShape = Pick<Pod, 'spec' | 'status'>;

export type ContainerStatusShape = ContainerStatus;

export function containerNames(pod: KubeObject): string[] {
  const spec = (pod as PodShape).spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
}

export function chooseContainer(pod: KubeObject, requested?: string): string {
  const names = containerNames(pod);
  if (requested) {
    if (!names.includes(requested)) throw new BridgeFailure(`container ${requested} is not valid for pod ${pod.metadata.name}: choose one of ${names.join(', ')}`);
    return requested;
  }
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated && names.includes(annotated)) return annotated;
  const first = (pod as PodShape).spec?.containers?.[0]?.name;
  if (!first) throw new BridgeFailure(`pod ${pod.metadata.name} has no containers`);
  return first;
}

export function containerStatus(pod: KubeObject, container: string): ContainerStatusShape | undefined {
  const status = (pod as PodShape).status;
  return [...(status?.initContainerStatuses ?? []), ...(status?.containerStatuses ?? []), ...(status?.ephemeralContainerStatuses ?? [])].find((s) => s.name === container);
}
