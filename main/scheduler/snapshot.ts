// The nodes one scheduling cycle works on, taken once per cycle so every
// plugin sees the same state even while informer events keep arriving.

import { NodeInfo } from './nodeInfo.ts';
import type { Node, Pod } from './types.ts';

export class Snapshot {
  readonly nodeInfos: readonly NodeInfo[];
  private readonly byName: Map<string, NodeInfo>;

  constructor(nodeInfos: readonly NodeInfo[]) {
    this.nodeInfos = nodeInfos;
    this.byName = new Map(nodeInfos.map((info) => [info.name, info]));
  }

  /** Builds NodeInfos from nodes and the pods assigned to them (`spec.nodeName`); pods on unknown nodes are left out. */
  static from(nodes: readonly Node[], pods: readonly Pod[]): Snapshot {
    const podsByNode = new Map<string, Pod[]>();
    for (const pod of pods) {
      const nodeName = pod.spec.nodeName;
      if (!nodeName) continue;
      let list = podsByNode.get(nodeName);
      if (!list) podsByNode.set(nodeName, (list = []));
      list.push(pod);
    }
    return new Snapshot(nodes.map((node) => new NodeInfo(node, podsByNode.get(node.metadata.name ?? '') ?? [])));
  }

  get(nodeName: string): NodeInfo | undefined {
    return this.byName.get(nodeName);
  }

  get size(): number {
    return this.nodeInfos.length;
  }
}
