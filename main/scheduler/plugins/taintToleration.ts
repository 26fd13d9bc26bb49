// TaintToleration: NoSchedule and NoExecute taints keep pods that do not
// tolerate them off a node; untolerated PreferNoSchedule taints lower the
// node's score.

import { ActionType } from '../clusterEvents.ts';
import { MAX_NODE_SCORE, newStatus, SUCCESS, type ClusterEventWithHint, type FilterPlugin, type NodeScore, type ScorePlugin, type Status } from '../framework.ts';
import type { NodeInfo } from '../nodeInfo.ts';
import { defaultNormalizeScore } from '../normalizeScore.ts';
import { findMatchingUntoleratedTaint, isNoScheduleOrNoExecute, tolerationsTolerateTaint } from '../taints.ts';
import type { Node, Pod } from '../types.ts';

export const TAINT_TOLERATION = 'TaintToleration';

function untoleratedTaint(pod: Pod, node: Node) {
  return findMatchingUntoleratedTaint(node.spec?.taints, pod.spec.tolerations, isNoScheduleOrNoExecute);
}

export class TaintToleration implements FilterPlugin, ScorePlugin {
  readonly name = TAINT_TOLERATION;

  filter(pod: Pod, nodeInfo: NodeInfo): Status {
    const taint = untoleratedTaint(pod, nodeInfo.node);
    if (!taint) return SUCCESS;
    return newStatus('UnschedulableAndUnresolvable', `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  }

  /** The number of PreferNoSchedule taints the pod does not tolerate; fewer is better (see normalizeScore). */
  score(pod: Pod, nodeInfo: NodeInfo): number {
    const taints = nodeInfo.node.spec?.taints;
    // Most nodes have no taint to count: nothing is filtered or allocated for them (this runs for every pod on every node).
    if (!taints?.some((taint) => taint.effect === 'PreferNoSchedule')) return 0;
    // Tolerations with no effect tolerate every effect, PreferNoSchedule included.
    const tolerations = (pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
    return taints.filter((taint) => taint.effect === 'PreferNoSchedule' && !tolerationsTolerateTaint(tolerations, taint)).length;
  }

  normalizeScore(_pod: Pod, scores: NodeScore[]): void {
    defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeTaint, label: 'NodeAdd|NodeTaintChange' },
        hint: (pod, oldObj, newObj) => {
          const wasUntolerated = oldObj === undefined || untoleratedTaint(pod, oldObj as Node) !== undefined;
          const isUntolerated = untoleratedTaint(pod, newObj as Node) !== undefined;
          return wasUntolerated && !isUntolerated ? 'Queue' : 'QueueSkip';
        },
      },
    ];
  }
}
