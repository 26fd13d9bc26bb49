// NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory would
// be used in similar fractions with the pod on them, so neither runs out while
// the other sits idle. Score = (1 - standard deviation of the fractions) * 100.

import { MAX_NODE_SCORE, newStatus, SUCCESS, type ScorePlugin, type Status } from '../framework.ts';
import type { NodeInfo } from '../nodeInfo.ts';
import type { Pod } from '../types.ts';
import { allocationVectors, DEFAULT_SCORED_RESOURCES, podRequestLists, type AllocationVectors, type ResourceSpec } from './resourceAllocation.ts';

export const NODE_RESOURCES_BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';

/** balancedResourceScore's fractions (scoring is synchronous, one node at a time). */
const fractions: number[] = [];

export function balancedResourceScore(requested: readonly number[], allocatable: readonly number[]): number {
  // Loops over one scratch array rather than callbacks and a new array: this runs for every pod on every node.
  let count = 0;
  for (let i = 0; i < allocatable.length; i++) {
    const capacity = allocatable[i]!;
    if (capacity !== 0) fractions[count++] = Math.min(requested[i]! / capacity, 1);
  }
  let std = 0;
  // With two resources the standard deviation is half their difference.
  if (count === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (count > 2) {
    let sum = 0;
    for (let i = 0; i < count; i++) sum += fractions[i]!;
    const mean = sum / count;
    let squares = 0;
    for (let i = 0; i < count; i++) squares += (fractions[i]! - mean) * (fractions[i]! - mean);
    std = Math.sqrt(squares / count);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

export class NodeResourcesBalancedAllocation implements ScorePlugin {
  readonly name = NODE_RESOURCES_BALANCED_ALLOCATION;

  private readonly requestList: (pod: Pod) => readonly number[];
  private readonly vectors: AllocationVectors = { requested: [], allocatable: [] };

  constructor(private readonly resources: readonly ResourceSpec[] = DEFAULT_SCORED_RESOURCES) {
    this.requestList = podRequestLists(resources, true);
  }

  /** Best-effort pods are not scored, or they would all pile onto the most balanced node (kubernetes#129138). */
  preScore(pod: Pod): Status {
    return this.requestList(pod).every((request) => request === 0) ? newStatus('Skip') : SUCCESS;
  }

  score(pod: Pod, nodeInfo: NodeInfo): number {
    const { requested, allocatable } = allocationVectors(nodeInfo, this.resources, this.requestList(pod), true, this.vectors);
    return balancedResourceScore(requested, allocatable);
  }
}
