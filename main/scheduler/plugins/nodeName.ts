// NodeName: a pod that names a node (spec.nodeName) fits only that node.
// Pods created with a node name never reach the scheduler, so in practice this
// matters for pods whose name was cleared and set again, and for simulations.

import { NodeAdd } from '../clusterEvents.ts';
import { newStatus, SUCCESS, type ClusterEventWithHint, type FilterPlugin, type Status } from '../framework.ts';
import type { NodeInfo } from '../nodeInfo.ts';
import type { Node, Pod } from '../types.ts';

export const NODE_NAME = 'NodeName';
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

function fits(pod: Pod, node: Node): boolean {
  return !pod.spec.nodeName || pod.spec.nodeName === node.metadata.name;
}

export class NodeName implements FilterPlugin {
  readonly name = NODE_NAME;

  filter(pod: Pod, nodeInfo: NodeInfo): Status {
    return fits(pod, nodeInfo.node) ? SUCCESS : newStatus('UnschedulableAndUnresolvable', ERR_REASON_NODE_NAME);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [{ event: NodeAdd, hint: (pod, _old, added) => (fits(pod, added as Node) ? 'Queue' : 'QueueSkip') }];
  }
}
