// Creating a pod for a workload, and the event that tells about it
// (controller.RealPodControl): SuccessfulCreate, or FailedCreate with the
// API's error, except in a namespace being deleted, where every create fails
// and nothing is worth reporting, and for a name that already exists (a pod
// the informer has not shown yet: the controller looks again).

import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { isNamespaceTerminating } from './apiErrors.ts';
import type { Pod } from './types.ts';

export interface PodEventMessages {
  created(pod: Pod): string;
  failed(pod: Pod, err: Error): string;
}

/** Creates `pod` for `owner`; resolves quietly when the namespace is being deleted. */
export async function createPodFor(podClient: ResourceClient<Pod>, recorder: EventRecorder, owner: KubeObject, pod: Pod, messages: PodEventMessages): Promise<void> {
  let created: Pod;
  try {
    created = await podClient.create(owner.metadata.namespace, pod);
  } catch (err) {
    if (isNamespaceTerminating(err)) return;
    if (isApiError(err, 'AlreadyExists')) throw err;
    recorder.event(owner, 'Warning', 'FailedCreate', messages.failed(pod, err as Error));
    throw err;
  }
  recorder.event(owner, 'Normal', 'SuccessfulCreate', messages.created(created));
}
