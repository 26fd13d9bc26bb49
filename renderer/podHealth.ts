// A pod row's color by its real health, not only by its STATUS word:
// kubectl keeps printing "Running 1/1" for a pod whose node stopped
// answering (the node lifecycle controller only turns the pod's Ready
// condition False), and "Running 0/1" is not healthy either.

import type { NodeView, PodView } from '../main/insight/podView.ts';
import { podStatusTone, type Tone } from './podStatusTone.ts';

export interface PodHealth {
  tone: Tone;
  /** Why the tone differs from what the STATUS word alone says, shown beside it. */
  note?: string;
}

/** Ready=True, else what the node reports ("NotReady", or "Unknown" once the kubelet stopped posting). */
export function nodeReadiness(node: NodeView | undefined): 'Ready' | 'NotReady' | 'Unknown' | undefined {
  const ready = node?.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready) return undefined;
  if (ready.status === 'True') return 'Ready';
  return ready.status === 'False' ? 'NotReady' : 'Unknown';
}

/** `ready` is kubectl's READY column ("1/2"). */
export function podHealth(pod: PodView, status: string, ready: string, nodes: ReadonlyMap<string, NodeView>): PodHealth {
  const tone = podStatusTone(status);
  if (pod.metadata.deletionTimestamp) return { tone };
  const nodeName = pod.spec?.nodeName;
  const nodeState = nodeName ? nodeReadiness(nodes.get(nodeName)) : undefined;
  if (nodeState && nodeState !== 'Ready' && (status === 'Running' || tone === 'progress')) {
    return { tone: 'bad', note: `node ${nodeName} ${nodeState === 'Unknown' ? 'unreachable' : 'NotReady'}` };
  }
  if (status !== 'Running') return { tone };
  const [readyCount, total] = ready.split('/').map((n) => Number.parseInt(n, 10));
  if (readyCount !== undefined && total !== undefined && readyCount < total) return { tone: 'warn', note: 'not ready' };
  const readyCondition = pod.status?.conditions?.find((c) => c.type === 'Ready');
  if (readyCondition?.status === 'False') return { tone: 'warn', note: 'not ready' };
  return { tone };
}
