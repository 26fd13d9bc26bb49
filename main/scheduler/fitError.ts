// Why a pod fits no node, and the message kube-scheduler puts in the
// FailedScheduling event and the PodScheduled condition (FitError.Error()):
//
//   0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.
//
// Each node's reasons are counted, and "<count> <reason>" strings are sorted
// as strings (so "10 ..." sorts before "2 ..."), exactly as Go's sort.Strings.
// PodLab has no preemption (PostFilter), so the message never carries
// kube-scheduler's trailing "preemption: ..." sentence.

import type { Status } from './framework.ts';

export interface Diagnosis {
  /** The status of every node a filter rejected. */
  nodeToStatus: Map<string, Status>;
  /** The status of nodes that were never filtered (a PreFilter result left them out). */
  absentNodesStatus?: Status;
  /** Plugins that rejected the pod: only events they registered move it back to the active queue. */
  unschedulablePlugins: Set<string>;
  /** Set when a PreFilter plugin rejected the pod outright; it replaces the per-node histogram. */
  preFilterMsg?: string;
}

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export class FitError {
  constructor(
    readonly numAllNodes: number,
    readonly diagnosis: Diagnosis,
  ) {}

  get message(): string {
    let message = `0/${this.numAllNodes} nodes are available:`;
    const { preFilterMsg, nodeToStatus, absentNodesStatus } = this.diagnosis;
    if (preFilterMsg) return `${message} ${preFilterMsg}.`;

    const counts = new Map<string, number>();
    const count = (reason: string, n: number) => counts.set(reason, (counts.get(reason) ?? 0) + n);
    for (const status of nodeToStatus.values()) for (const reason of status.reasons) count(reason, 1);
    const absent = this.numAllNodes - nodeToStatus.size;
    if (absent > 0 && absentNodesStatus) for (const reason of absentNodesStatus.reasons) count(reason, absent);

    const histogram = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
    if (histogram.length > 0) message += ` ${histogram.join(', ')}.`;
    return message;
  }
}
