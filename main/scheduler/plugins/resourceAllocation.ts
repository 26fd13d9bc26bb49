// What the resource-based scorers (LeastAllocated, BalancedAllocation) feed
// on: per resource, what the node can allocate and what it would have
// requested with this pod on it (resourceAllocationScorer in kube-scheduler).

import type { NodeInfo } from '../nodeInfo.ts';
import { podRequests } from '../podRequests.ts';
import { isScalarResourceName, type Resource } from '../resources.ts';
import type { Pod } from '../types.ts';

export interface ResourceSpec {
  name: string;
  weight: number;
}

/** NodeResourcesFitArgs / NodeResourcesBalancedAllocationArgs default resources. */
export const DEFAULT_SCORED_RESOURCES: readonly ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

function amount(resource: Readonly<Resource>, name: string): number {
  switch (name) {
    case 'cpu':
      return resource.milliCPU;
    case 'memory':
      return resource.memory;
    case 'ephemeral-storage':
      return resource.ephemeralStorage;
    default:
      return resource.scalar[name] ?? 0;
  }
}

/**
 * The pod's request for each resource. `useRequested` false counts unset cpu/memory
 * requests as the scheduler's defaults, so best-effort pods still spread out.
 */
export function podRequestList(pod: Pod, resources: readonly ResourceSpec[], useRequested: boolean): number[] {
  const requests = podRequests(pod, { nonZero: !useRequested });
  return resources.map(({ name }) => amount(requests, name));
}

/**
 * podRequestList per pod object, for one plugin's resources: a pod is scored
 * against every node with the same list, which kube's scorers work out once
 * per scheduling cycle (in PreScore) rather than once per node.
 */
export function podRequestLists(resources: readonly ResourceSpec[], useRequested: boolean): (pod: Pod) => readonly number[] {
  const lists = new WeakMap<Pod, number[]>();
  return (pod) => {
    let list = lists.get(pod);
    if (!list) lists.set(pod, (list = podRequestList(pod, resources, useRequested)));
    return list;
  };
}

export interface AllocationVectors {
  requested: number[];
  allocatable: number[];
}

/** Resources the node does not offer (allocatable 0) are left at 0/0 for the scorers to skip. */
/**
 * `into`: the vectors to fill (a scorer's own, reused for every node it
 * scores: scoring is synchronous, and a pair of arrays per node and pod was a
 * twentieth of what the process allocated at 10,000 pods on 100 nodes).
 */
export function allocationVectors(
  nodeInfo: NodeInfo,
  resources: readonly ResourceSpec[],
  podRequest: readonly number[],
  useRequested: boolean,
  into: AllocationVectors = { requested: [], allocatable: [] },
): AllocationVectors {
  const nodeRequested = useRequested ? nodeInfo.requested : nodeInfo.nonZeroRequested;
  // Written in place: emptying the arrays (length = 0) gave up their storage, and each push made it again.
  if (into.requested.length !== resources.length) {
    into.requested = new Array<number>(resources.length).fill(0);
    into.allocatable = new Array<number>(resources.length).fill(0);
  }
  const { requested, allocatable } = into;
  for (let i = 0; i < resources.length; i++) {
    const name = resources[i]!.name;
    const request = podRequest[i]!;
    let alloc = 0;
    let req = 0;
    // An extended resource the pod does not ask for says nothing about this node.
    if (!(request === 0 && isScalarResourceName(name))) {
      alloc = amount(nodeInfo.allocatable, name);
      // Ephemeral storage and extended resources have no non-zero default.
      const base = name === 'cpu' || name === 'memory' ? nodeRequested : nodeInfo.requested;
      req = amount(base, name) + request;
    }
    requested[i] = alloc === 0 ? 0 : req;
    allocatable[i] = alloc;
  }
  return into;
}
