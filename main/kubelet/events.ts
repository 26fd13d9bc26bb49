// Events the kubelet records, through the shared EventRecorder (which counts
// and aggregates repeats as client-go does). Container events point at the
// container the way kubecontainer.GenerateContainerRef does, so `kubectl
// describe pod` prints them against `spec.containers{app}`.

import type { EventRecorder, EventType } from '../kube/client/eventRecorder.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { Container, Pod } from './types.ts';

/** The event involvedObject for a pod. */
export function podRef(pod: Pick<KubeObject, 'metadata'>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid, resourceVersion: pod.metadata.resourceVersion },
  };
}

export function containerFieldPath(pod: Pod, container: Container): string {
  const has = (list: Container[] | undefined) => (list ?? []).some((c) => c.name === container.name);
  const list = has(pod.spec.initContainers) ? 'initContainers' : has(pod.spec.ephemeralContainers) ? 'ephemeralContainers' : 'containers';
  return `spec.${list}{${container.name}}`;
}

export class KubeletEvents {
  constructor(private readonly recorder: EventRecorder) {}

  pod(pod: Pod, type: EventType, reason: string, message: string): void {
    this.recorder.event(podRef(pod), type, reason, message);
  }

  container(pod: Pod, container: Container, type: EventType, reason: string, message: string, containerId?: string): void {
    // Runtime errors often carry the container ID; naming the container instead keeps repeats countable.
    const text = containerId ? message.split(containerId).join(container.name) : message;
    this.recorder.event(podRef(pod), type, reason, text, containerFieldPath(pod, container));
  }

  node(node: KubeObject, type: EventType, reason: string, message: string): void {
    this.recorder.event(node, type, reason, message);
  }

  flush(): Promise<void> {
    return this.recorder.flush();
  }
}
