// A node as one scheduling cycle sees it: the Node object plus the pods
// assigned (or assumed) to it, with their requests summed the way
// framework.NodeInfo does.

import { podRequests } from './podRequests.ts';
import { addResource, emptyResource, resourceFromList, type Resource } from './resources.ts';
import type { Node, Pod } from './types.ts';

export class NodeInfo {
  readonly node: Node;
  readonly pods: Pod[] = [];
  /** Sum of the pods' requests (see podRequests). */
  readonly requested: Resource = emptyResource();
  /** Same, with unset cpu/memory requests counted as the scheduler's defaults; used by scoring. */
  readonly nonZeroRequested: Resource = emptyResource();
  /** node.status.allocatable; a node that reports none has room for nothing. */
  readonly allocatable: Resource;

  constructor(node: Node, pods: Iterable<Pod> = []) {
    this.node = node;
    this.allocatable = resourceFromList(node.status?.allocatable);
    for (const pod of pods) this.addPod(pod);
  }

  get podCount(): number {
    return this.pods.length;
  }

  get name(): string {
    return this.node.metadata.name ?? '';
  }

  /**
   * Where each pod (by uid) is in `pods`: every status update of a pod takes it out and puts it back.
   * Made at the first removal: a NodeInfo built for one look (a snapshot's, or a copy with the
   * nominated pods added) never needs it.
   */
  private positions: Map<string, number> | undefined;

  addPod(pod: Pod): void {
    this.positions?.set(pod.metadata.uid ?? '', this.pods.length);
    this.pods.push(pod);
    addResource(this.requested, podRequests(pod));
    addResource(this.nonZeroRequested, podRequests(pod, { nonZero: true }));
  }

  /** Takes back a pod added before (matched by uid); the last pod takes its place, as framework.NodeInfo.RemovePod does. */
  removePod(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    this.positions ??= new Map(this.pods.map((p, i) => [p.metadata.uid ?? '', i]));
    const index = this.positions.get(uid);
    if (index === undefined) return;
    const removed = this.pods[index]!;
    const last = this.pods.pop()!;
    this.positions.delete(uid);
    if (index < this.pods.length) {
      this.pods[index] = last;
      this.positions.set(last.metadata.uid ?? '', index);
    }
    addResource(this.requested, podRequests(removed), -1);
    addResource(this.nonZeroRequested, podRequests(removed, { nonZero: true }), -1);
  }
}
