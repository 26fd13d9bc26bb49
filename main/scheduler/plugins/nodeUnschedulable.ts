// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods
// that tolerate the node.kubernetes.io/unschedulable:NoSchedule taint.

import { ActionType } from '../clusterEvents.ts';
import { newStatus, SUCCESS, type ClusterEventWithHint, type FilterPlugin, type Status } from '../framework.ts';
import type { NodeInfo } from '../nodeInfo.ts';
import { tolerationsTolerateTaint } from '../taints.ts';
import type { Node, Pod } from '../types.ts';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

export class NodeUnschedulable implements FilterPlugin {
  readonly name = NODE_UNSCHEDULABLE;

  filter(pod: Pod, nodeInfo: NodeInfo): Status {
    if (!nodeInfo.node.spec?.unschedulable) return SUCCESS;
    const tolerated = tolerationsTolerateTaint(pod.spec.tolerations, { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' });
    return tolerated ? SUCCESS : newStatus('UnschedulableAndUnresolvable', ERR_REASON_UNSCHEDULABLE);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint, label: 'NodeAdd|NodeTaintChange' },
        // Only a schedulable node that is new, or that was just uncordoned, can help.
        hint: (_pod, oldObj, newObj) => {
          const before = oldObj as Node | undefined;
          const after = newObj as Node;
          const wasUnschedulable = before === undefined || Boolean(before.spec?.unschedulable);
          return wasUnschedulable && !after.spec?.unschedulable ? 'Queue' : 'QueueSkip';
        },
      },
    ];
  }
}
