// The scheduler's view of where pods run: nodes from the node informer,
// assigned pods from the pod informer, plus pods it has assumed onto a node
// while their binding is in flight, so the next cycle already counts them.
// Assumed pods are confirmed by the informer or forgotten when binding fails;
// like kube-scheduler's default, they never expire on their own.

import { Snapshot } from './snapshot.ts';
import type { Node, Pod } from './types.ts';

interface CachedPod {
  pod: Pod;
  assumed: boolean;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, Node>();
  private readonly pods = new Map<string, CachedPod>();

  addOrUpdateNode(node: Node): void {
    this.nodes.set(node.metadata.name ?? '', node);
  }

  removeNode(node: Node): void {
    this.nodes.delete(node.metadata.name ?? '');
  }

  /** A pod the API server reports as assigned: replaces an assumed version of it. */
  addOrUpdatePod(pod: Pod): void {
    this.pods.set(pod.metadata.uid ?? '', { pod, assumed: false });
  }

  removePod(pod: Pod): void {
    this.pods.delete(pod.metadata.uid ?? '');
  }

  /** `pod` carries the chosen node in spec.nodeName. */
  assumePod(pod: Pod): void {
    this.pods.set(pod.metadata.uid ?? '', { pod, assumed: true });
  }

  /** Drops an assumed pod whose binding failed; a confirmed pod stays. */
  forgetPod(uid: string): void {
    if (this.pods.get(uid)?.assumed) this.pods.delete(uid);
  }

  isAssumed(uid: string): boolean {
    return this.pods.get(uid)?.assumed ?? false;
  }

  /** Nodes in name order, so that runs with the same random numbers make the same choices. */
  snapshot(): Snapshot {
    const nodes = [...this.nodes.values()].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    return Snapshot.from(nodes, [...this.pods.values()].map((entry) => entry.pod));
  }
}
