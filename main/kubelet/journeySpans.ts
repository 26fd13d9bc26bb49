// The kubelet's part of a pod's journey: the spans it records for a pod, as
// the component Kubernetes names `kubelet`. No recorder, no spans: the
// kubelet runs the same without one (tests, tools).

import type { JourneyRecorder, PodSpans } from '../kube/trace/journeyRecorder.ts';
import type { Pod } from './types.ts';

export const KUBELET = 'kubelet';

export function kubeletSpans(journeys: JourneyRecorder | undefined, pod: Pod): PodSpans | undefined {
  if (!journeys) return undefined;
  const { namespace = '', name = '', uid = '' } = pod.metadata;
  return journeys.forPod({ namespace, name, uid }, KUBELET);
}

/** Docker's ids are 64 hex digits; the first 12 are how `docker ps` shows them. */
export function shortId(id: string): string {
  return id.replace(/^[a-z0-9]+:\/\//, '').slice(0, 12);
}
