// The scheduling framework's extension points, as in kube-scheduler's
// framework/interface.go, reduced to what PodLab's plugins use: PreFilter,
// Filter, PreScore, Score (+ NormalizeScore) and the cluster events that
// requeue a pod a plugin rejected.

import type { ClusterEvent } from './clusterEvents.ts';
import type { NodeInfo } from './nodeInfo.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { Node, Pod } from './types.ts';

/**
 * Unschedulable: another pod's removal (preemption) could help.
 * UnschedulableAndUnresolvable: nothing but a change to the node or the pod can.
 * Skip: the plugin has nothing to say about this pod (from PreFilter/PreScore).
 */
export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Skip';

export interface Status {
  code: Code;
  /** Each reason counts once per node in the FailedScheduling message. */
  reasons: readonly string[];
  /** The plugin that returned it; filled in by the framework. */
  plugin?: string;
}

/** Shared by every plugin that passes a node, hence frozen. */
export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: Object.freeze([]) });

export function newStatus(code: Code, ...reasons: string[]): Status {
  return { code, reasons };
}

export function isRejected(status: Status): boolean {
  return status.code === 'Unschedulable' || status.code === 'UnschedulableAndUnresolvable';
}

/** Status.Message(). */
export function statusMessage(status: Status): string {
  return status.reasons.join(', ');
}

export const MAX_NODE_SCORE = 100;

export type QueueingHint = 'Queue' | 'QueueSkip';

/** Whether `event` (old/new objects: Node or Pod, undefined for add/delete) may make `pod` schedulable again. */
export type QueueingHintFn = (pod: Pod, oldObj: KubeObject | undefined, newObj: KubeObject | undefined) => QueueingHint;

export interface ClusterEventWithHint {
  event: ClusterEvent;
  /** Absent: every matching event requeues the pod. */
  hint?: QueueingHintFn;
}

export interface Plugin {
  readonly name: string;
  /** EnqueueExtensions: events that could make a pod this plugin rejected schedulable. */
  eventsToRegister?(): ClusterEventWithHint[];
}

export interface PreFilterResult {
  status: Status;
  /** The only nodes worth filtering; the others are reported as not satisfying this plugin. */
  nodeNames?: ReadonlySet<string>;
}

export interface PreFilterPlugin extends Plugin {
  /** Skip in the status means this plugin's Filter has nothing to check for this pod. */
  preFilter(pod: Pod): PreFilterResult;
}

export interface FilterPlugin extends Plugin {
  filter(pod: Pod, nodeInfo: NodeInfo): Status;
}

/** PreBind: what must be written before the pod is bound to the node it was given (VolumeBinding's claims). */
export interface PreBindPlugin extends Plugin {
  preBind(pod: Pod, node: Node): Promise<void>;
}

export interface NodeScore {
  name: string;
  score: number;
}

export interface ScorePlugin extends Plugin {
  /** Skip means the plugin scores no node for this pod (all get 0 from it). */
  preScore?(pod: Pod, nodes: readonly NodeInfo[]): Status;
  /** A raw score; after normalizeScore it must lie in 0..MAX_NODE_SCORE. */
  score(pod: Pod, nodeInfo: NodeInfo): number;
  normalizeScore?(pod: Pod, scores: NodeScore[]): void;
}

export interface WeightedScorePlugin {
  plugin: ScorePlugin;
  weight: number;
}

/** One scheduling profile: the plugins at each extension point, in the order they run. */
export interface Profile {
  preFilter: readonly PreFilterPlugin[];
  filter: readonly FilterPlugin[];
  score: readonly WeightedScorePlugin[];
  preBind?: readonly PreBindPlugin[];
}

/** Each plugin once, for wiring the events they register into the queue. */
export function profilePlugins(profile: Profile): Plugin[] {
  return [...new Set<Plugin>([...profile.preFilter, ...profile.filter, ...profile.score.map((entry) => entry.plugin), ...(profile.preBind ?? [])])];
}
