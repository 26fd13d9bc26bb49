// The scheduler's view of where pods run: nodes from the node informer,
// assigned pods from the pod informer, plus pods it has assumed onto a node
// while their binding is in flight, so the next cycle already counts them.
// Assumed pods are confirmed by the informer or forgotten when binding fails;
// like kube-scheduler's default, they never expire on their own.
//
// Like kube-scheduler's cache, it keeps one NodeInfo per node up to date as
// pods come and go, so a scheduling cycle costs the nodes, not every pod in
// the cluster: rebuilding from all pods each cycle made scheduling 10,000
// pods quadratic. A snapshot shares these NodeInfos: schedulePod is
// synchronous and only reads them, and the cache changes between cycles.

import { NodeInfo } from './nodeInfo.ts';
import { Snapshot } from './snapshot.ts';
import type { Node, Pod } from './types.ts';

interface CachedPod {
  pod: Pod;
  assumed: boolean;
}

export class SchedulerCache {
  private readonly nodes = new Map<string, Node>();
  private readonly pods = new Map<string, CachedPod>();
  /** Per node: the node and the pods on it, kept current. */
  private readonly infos = new Map<string, NodeInfo>();
  private ordered: NodeInfo[] | undefined;

  addOrUpdateNode(node: Node): void {
    const name = node.metadata.name ?? '';
    this.nodes.set(name, node);
    // Allocatable may have changed: rebuild this node's info from its pods. A known node's info holds them already;
    // looking them up among every pod of the cluster took each of 100 nodes' status updates through 10,000 pods.
    const known = this.infos.get(name);
    const pods = known ? known.pods : [...this.pods.values()].map((e) => e.pod).filter((p) => p.spec.nodeName === name);
    this.infos.set(name, new NodeInfo(node, pods));
    this.ordered = undefined;
  }

  removeNode(node: Node): void {
    const name = node.metadata.name ?? '';
    this.nodes.delete(name);
    this.infos.delete(name);
    this.ordered = undefined;
  }

  /** A pod the API server reports as assigned: replaces an assumed version of it. */
  addOrUpdatePod(pod: Pod): void {
    this.put(pod, false);
  }

  removePod(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    const old = this.pods.get(uid);
    if (old) this.infoOf(old.pod)?.removePod(old.pod);
    this.pods.delete(uid);
  }

  /** `pod` carries the chosen node in spec.nodeName. */
  assumePod(pod: Pod): void {
    this.put(pod, true);
  }

  /** Drops an assumed pod whose binding failed; a confirmed pod stays. */
  forgetPod(uid: string): void {
    const entry = this.pods.get(uid);
    if (entry?.assumed) this.removePod(entry.pod);
  }

  private put(pod: Pod, assumed: boolean): void {
    const uid = pod.metadata.uid ?? '';
    const old = this.pods.get(uid);
    if (old) this.infoOf(old.pod)?.removePod(old.pod);
    this.pods.set(uid, { pod, assumed });
    this.infoOf(pod)?.addPod(pod);
  }

  private infoOf(pod: Pod): NodeInfo | undefined {
    return pod.spec.nodeName ? this.infos.get(pod.spec.nodeName) : undefined;
  }

  isAssumed(uid: string): boolean {
    return this.pods.get(uid)?.assumed ?? false;
  }

  /** Nodes in name order, so that runs with the same random numbers make the same choices. */
  snapshot(): Snapshot {
    this.ordered ??= [...this.infos.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return new Snapshot(this.ordered);
  }
}
