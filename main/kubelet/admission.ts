// The kubelet's own admission of a new pod (lifecycle's predicateAdmitHandler
// with the resource fit of GeneralPredicates): a pod bound to this node,
// scheduler or not, must fit what the node has left beside the pods it
// already runs. A pod that does not fit is rejected: it fails at once with
// reason OutOfcpu, OutOfmemory or OutOfpods and the kubelet's message.

import { NodeInfo } from '../scheduler/nodeInfo.ts';
import { insufficientResources } from '../scheduler/plugins/nodeResourcesFit.ts';
import { podRequests } from '../scheduler/podRequests.ts';
import type { Node as SchedulerNode, Pod as SchedulerPod } from '../scheduler/types.ts';
import type { Pod } from './types.ts';

export type Admission = { admit: true } | { admit: false; reason: string; message: string };

export function admitPod(pod: Pod, nodeName: string, allocatable: Record<string, string>, activePods: Pod[]): Admission {
  const node: SchedulerNode = { metadata: { name: nodeName }, status: { allocatable } };
  const nodeInfo = new NodeInfo(node, activePods as unknown as SchedulerPod[]);
  const [first] = insufficientResources(podRequests(pod as unknown as SchedulerPod), nodeInfo);
  if (!first) return { admit: true };
  return {
    admit: false,
    reason: `OutOf${first.resourceName}`,
    message: `Node didn't have enough resource: ${first.resourceName}, requested: ${first.requested}, used: ${first.used}, capacity: ${first.capacity}`,
  };
}
