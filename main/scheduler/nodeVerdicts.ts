// What one scheduling cycle made of every node, for the pod's journey: the
// filter that turned a node down and why, or the node's final score. The
// same facts kube-scheduler only logs at high verbosity.

import type { Diagnosis } from './fitError.ts';
import { statusMessage, type Status } from './framework.ts';
import type { NodeScore } from './framework.ts';
import type { TraceSpanDetail } from '../../preload/api.ts';
import type { Snapshot } from './snapshot.ts';

export interface NodeVerdict {
  name: string;
  passed: boolean;
  /** `NodeResourcesFit: Insufficient cpu`. */
  reason?: string;
  /** The weighted sum of the score plugins; absent when there was nothing to choose between. */
  score?: number;
}

function reasonOf(status: Status): string {
  const message = statusMessage(status);
  return status.plugin ? `${status.plugin}: ${message}` : message;
}

/**
 * A scheduling cycle's span detail, its verdicts worked out when first read
 * (the UI, an OTLP export): the journeys keep only the most recent pods, and
 * working out a hundred verdicts for each of thousands of pods nobody looks
 * at was a tenth of the scheduler's time.
 */
export function nodesDetail(verdicts: () => NodeVerdict[]): TraceSpanDetail {
  let nodes: NodeVerdict[] | undefined;
  return {
    kind: 'nodes',
    get nodes() {
      return (nodes ??= verdicts());
    },
  };
}

/** Every node of the snapshot: filtered out (with its status), absent from the PreFilter's choice, or passed (with its score). */
export function nodeVerdicts(snapshot: Snapshot, diagnosis: Diagnosis, scores?: readonly NodeScore[], feasible?: ReadonlySet<string>): NodeVerdict[] {
  const scoreOf = new Map(scores?.map((s) => [s.name, s.score]));
  return snapshot.nodeInfos.map(({ name }): NodeVerdict => {
    const status = diagnosis.nodeToStatus.get(name);
    if (status) return { name, passed: false, reason: reasonOf(status) };
    if (feasible?.has(name)) {
      const score = scoreOf.get(name);
      return score === undefined ? { name, passed: true } : { name, passed: true, score };
    }
    const absent = diagnosis.absentNodesStatus;
    return { name, passed: false, reason: absent ? reasonOf(absent) : 'not evaluated' };
  });
}
