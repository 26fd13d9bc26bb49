// The kubelet's own admission of a new pod (lifecycle's predicateAdmitHandler
// with the resource fit of GeneralPredicates): a pod bound to this node,
// scheduler or not, must fit what the node has left beside the pods it
// already runs. A pod that does not fit is rejected: it fails at once with
// reason OutOfcpu, OutOfmemory or OutOfpods and the kubelet's message.

import { insufficientResources } from '../scheduler/plugins/nodeResourcesFit.ts';
import { podRequests } from '../scheduler/podRequests.ts';
import { addResource, emptyResource, resourceFromList, type Resource } from '../scheduler/resources.ts';
import type { Pod as SchedulerPod } from '../scheduler/types.ts';
import type { Pod } from './types.ts';

export type Admission = { admit: true } | { admit: false; reason: string; message: string };

/** How many pods a node runs and the sum of their requests. */
export interface PodsUsage {
  podCount: number;
  requested: Resource;
}

/** The usage of `pods` (PodWorkers keeps each pod's requests rather than summing objects again). */
export function usageOf(pods: Iterable<Pod>): PodsUsage {
  const usage: PodsUsage = { podCount: 0, requested: emptyResource() };
  for (const pod of pods) addToUsage(usage, podRequests(pod as unknown as SchedulerPod));
  return usage;
}

/** Adds a pod's requests to `usage`, or with -1 takes them back. */
export function addToUsage(usage: PodsUsage, requests: Readonly<Resource>, sign: 1 | -1 = 1): void {
  usage.podCount += sign;
  addResource(usage.requested, requests, sign);
}

/** `used`: the pods the kubelet runs or is about to (PodWorkers.activeUsage). */
export function admitPod(pod: Pod, allocatable: Record<string, string>, used: PodsUsage): Admission {
  const [first] = insufficientResources(podRequests(pod as unknown as SchedulerPod), { allocatable: resourceFromList(allocatable), ...used });
  if (!first) return { admit: true };
  return {
    admit: false,
    reason: `OutOf${first.resourceName}`,
    message: `Node didn't have enough resource: ${first.resourceName}, requested: ${first.requested}, used: ${first.used}, capacity: ${first.capacity}`,
  };
}
