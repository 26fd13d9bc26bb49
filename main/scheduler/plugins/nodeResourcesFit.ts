// NodeResourcesFit: a node fits a pod when its allocatable resources minus
// what its pods already request cover the pod's requests and it has room for
// one more pod. Scores with the LeastAllocated strategy (Kubernetes' default):
// the more a node has left, the better.

import { ActionType } from '../clusterEvents.ts';
import { MAX_NODE_SCORE, newStatus, SUCCESS, type ClusterEventWithHint, type FilterPlugin, type ScorePlugin, type Status } from '../framework.ts';
import { NodeInfo } from '../nodeInfo.ts';
import { podRequests } from '../podRequests.ts';
import { resourceFromList, type Resource } from '../resources.ts';
import type { Node, Pod } from '../types.ts';
import { allocationVectors, DEFAULT_SCORED_RESOURCES, podRequestLists, type AllocationVectors, type ResourceSpec } from './resourceAllocation.ts';

export const NODE_RESOURCES_FIT = 'NodeResourcesFit';

export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
  /** The pod asks for more than the whole node has: evicting pods would not help. */
  unresolvable: boolean;
}

/** What a node has and what its pods take, as the fit is judged (a NodeInfo, or the kubelet's own sums). */
export type NodeUsage = Pick<NodeInfo, 'allocatable' | 'requested' | 'podCount'>;

/** fitsRequest: every resource the node lacks for `request`, in Kubernetes' order (pods, cpu, memory, ephemeral-storage, then the rest). */
export function insufficientResources(request: Readonly<Resource>, nodeInfo: NodeUsage): InsufficientResource[] {
  const result: InsufficientResource[] = [];
  const { allocatable, requested, podCount } = nodeInfo;
  if (podCount + 1 > allocatable.allowedPodNumber) {
    result.push({
      resourceName: 'pods',
      reason: 'Too many pods',
      requested: 1,
      used: podCount,
      capacity: allocatable.allowedPodNumber,
      unresolvable: false,
    });
  }
  const check = (resourceName: string, wanted: number, used: number, capacity: number) => {
    if (wanted > 0 && wanted > capacity - used) {
      result.push({ resourceName, reason: `Insufficient ${resourceName}`, requested: wanted, used, capacity, unresolvable: wanted > capacity });
    }
  };
  check('cpu', request.milliCPU, requested.milliCPU, allocatable.milliCPU);
  check('memory', request.memory, requested.memory, allocatable.memory);
  check('ephemeral-storage', request.ephemeralStorage, requested.ephemeralStorage, allocatable.ephemeralStorage);
  for (const name of Object.keys(request.scalar).sort()) {
    check(name, request.scalar[name]!, requested.scalar[name] ?? 0, allocatable.scalar[name] ?? 0);
  }
  return result;
}

/**
 * Whether the node has room for `request`: insufficientResources is empty.
 * The filter asks this of every node for every pod, and most have room: this
 * answers without making the list, its closure and the sorted names.
 */
function fits(request: Readonly<Resource>, nodeInfo: NodeUsage): boolean {
  const { allocatable, requested, podCount } = nodeInfo;
  if (podCount + 1 > allocatable.allowedPodNumber) return false;
  const lacks = (wanted: number, used: number, capacity: number) => wanted > 0 && wanted > capacity - used;
  if (lacks(request.milliCPU, requested.milliCPU, allocatable.milliCPU)) return false;
  if (lacks(request.memory, requested.memory, allocatable.memory)) return false;
  if (lacks(request.ephemeralStorage, requested.ephemeralStorage, allocatable.ephemeralStorage)) return false;
  for (const name in request.scalar) {
    if (lacks(request.scalar[name]!, requested.scalar[name] ?? 0, allocatable.scalar[name] ?? 0)) return false;
  }
  return true;
}

/** leastRequestedScore per resource, weighted: ((capacity - requested) * 100) / capacity. */
function leastAllocatedScore(requested: readonly number[], allocatable: readonly number[], resources: readonly ResourceSpec[]): number {
  let nodeScore = 0;
  let weightSum = 0;
  // A loop rather than a callback: this runs for every pod on every node.
  for (let i = 0; i < resources.length; i++) {
    const capacity = allocatable[i]!;
    if (capacity === 0) continue;
    const used = requested[i]!;
    const score = used > capacity ? 0 : Math.trunc(((capacity - used) * MAX_NODE_SCORE) / capacity);
    nodeScore += score * resources[i]!.weight;
    weightSum += resources[i]!.weight;
  }
  return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
}

/** A new node's allocatable alone, without the pods that will land on it. */
function fitsEmptyNode(pod: Pod, node: Node): boolean {
  return insufficientResources(podRequests(pod), new NodeInfo(node)).length === 0;
}

/** Whether a node update gave more of something the pod needs (haveAnyRequestedResourcesIncreased). */
function requestedResourcesIncreased(pod: Pod, before: Node, after: Node): boolean {
  const request = podRequests(pod);
  const old = resourceFromList(before.status?.allocatable);
  const now = resourceFromList(after.status?.allocatable);
  if (now.allowedPodNumber > old.allowedPodNumber) return true;
  return (
    (request.milliCPU > 0 && now.milliCPU > old.milliCPU) ||
    (request.memory > 0 && now.memory > old.memory) ||
    (request.ephemeralStorage > 0 && now.ephemeralStorage > old.ephemeralStorage) ||
    Object.entries(request.scalar).some(([name, wanted]) => wanted > 0 && (now.scalar[name] ?? 0) > (old.scalar[name] ?? 0))
  );
}

export class NodeResourcesFit implements FilterPlugin, ScorePlugin {
  readonly name = NODE_RESOURCES_FIT;

  private readonly requestList: (pod: Pod) => readonly number[];
  private readonly vectors: AllocationVectors = { requested: [], allocatable: [] };

  constructor(private readonly resources: readonly ResourceSpec[] = DEFAULT_SCORED_RESOURCES) {
    this.requestList = podRequestLists(resources, false);
  }

  filter(pod: Pod, nodeInfo: NodeInfo): Status {
    const request = podRequests(pod);
    if (fits(request, nodeInfo)) return SUCCESS;
    const insufficient = insufficientResources(request, nodeInfo);
    const code = insufficient.some((r) => r.unresolvable) ? 'UnschedulableAndUnresolvable' : 'Unschedulable';
    return newStatus(code, ...insufficient.map((r) => r.reason));
  }

  score(pod: Pod, nodeInfo: NodeInfo): number {
    const { requested, allocatable } = allocationVectors(nodeInfo, this.resources, this.requestList(pod), false, this.vectors);
    return leastAllocatedScore(requested, allocatable, this.resources);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      // Any assigned pod leaving frees its requests on its node.
      { event: { resource: 'Pod', actionType: ActionType.Delete, label: 'PodDelete' } },
      {
        event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeAllocatable, label: 'NodeAdd|NodeAllocatableChange' },
        hint: (pod, oldObj, newObj) => {
          const after = newObj as Node;
          if (!fitsEmptyNode(pod, after)) return 'QueueSkip';
          return oldObj === undefined || requestedResourcesIncreased(pod, oldObj as Node, after) ? 'Queue' : 'QueueSkip';
        },
      },
    ];
  }
}
