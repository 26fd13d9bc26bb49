// NodeAffinity: the pod's nodeSelector and required node affinity decide
// which nodes it may run on; its preferred node affinity adds the weights of
// the matching terms to a node's score.

import { ActionType } from '../clusterEvents.ts';
import {
  MAX_NODE_SCORE,
  newStatus,
  SUCCESS,
  type ClusterEventWithHint,
  type FilterPlugin,
  type NodeScore,
  type PreFilterPlugin,
  type PreFilterResult,
  type ScorePlugin,
  type Status,
} from '../framework.ts';
import type { NodeInfo } from '../nodeInfo.ts';
import { PreferredSchedulingTerms, RequiredNodeAffinity } from '../nodeSelector.ts';
import { defaultNormalizeScore } from '../normalizeScore.ts';
import type { Node, Pod } from '../types.ts';

export const NODE_AFFINITY = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

// Parsing is per pod object; memoized so filtering many nodes parses once.
const requiredCache = new WeakMap<Pod, RequiredNodeAffinity>();
const preferredCache = new WeakMap<Pod, PreferredSchedulingTerms>();

function requiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  let required = requiredCache.get(pod);
  if (!required) requiredCache.set(pod, (required = new RequiredNodeAffinity(pod)));
  return required;
}

function preferredTerms(pod: Pod): PreferredSchedulingTerms {
  let preferred = preferredCache.get(pod);
  if (!preferred) {
    preferred = new PreferredSchedulingTerms(pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []);
    preferredCache.set(pod, preferred);
  }
  return preferred;
}

/**
 * Nodes named by `matchFields: metadata.name In [...]`: terms are ORed, so
 * this narrows the candidates only when every term names nodes.
 */
function nodeNamesFromTerms(pod: Pod): Set<string> | undefined {
  const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return undefined;
  const union = new Set<string>();
  for (const term of terms) {
    let names: Set<string> | undefined;
    for (const field of term.matchFields ?? []) {
      if (field.key !== 'metadata.name' || field.operator !== 'In') continue;
      const values = new Set(field.values ?? []);
      names = names === undefined ? values : new Set([...names].filter((name) => values.has(name)));
    }
    if (names === undefined) return undefined;
    for (const name of names) union.add(name);
  }
  return union;
}

export class NodeAffinity implements PreFilterPlugin, FilterPlugin, ScorePlugin {
  readonly name = NODE_AFFINITY;

  preFilter(pod: Pod): PreFilterResult {
    const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!required && !pod.spec.nodeSelector) return { status: newStatus('Skip') };
    const nodeNames = nodeNamesFromTerms(pod);
    if (nodeNames === undefined) return { status: SUCCESS };
    // Every term names nodes, but none of them: no node can match.
    if (nodeNames.size === 0) return { status: newStatus('UnschedulableAndUnresolvable', ERR_REASON_CONFLICT) };
    return { status: SUCCESS, nodeNames };
  }

  filter(pod: Pod, nodeInfo: NodeInfo): Status {
    return requiredNodeAffinity(pod).match(nodeInfo.node) ? SUCCESS : newStatus('UnschedulableAndUnresolvable', ERR_REASON_POD);
  }

  preScore(pod: Pod): Status {
    return pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ? SUCCESS : newStatus('Skip');
  }

  /** The sum of the weights of the preferred terms the node matches. */
  score(pod: Pod, nodeInfo: NodeInfo): number {
    return preferredTerms(pod).score(nodeInfo.node);
  }

  normalizeScore(_pod: Pod, scores: NodeScore[]): void {
    defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: 'Node', actionType: ActionType.Add | ActionType.UpdateNodeLabel, label: 'NodeAdd|NodeLabelChange' },
        // Only a node that starts to match helps; one that already matched was not the problem.
        hint: (pod, oldObj, newObj) => {
          const required = requiredNodeAffinity(pod);
          if (!required.match(newObj as Node)) return 'QueueSkip';
          return oldObj === undefined || !required.match(oldObj as Node) ? 'Queue' : 'QueueSkip';
        },
      },
    ];
  }
}
