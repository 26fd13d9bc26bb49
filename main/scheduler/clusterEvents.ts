// Changes in the cluster that can make an unschedulable pod schedulable
// (fwk.ClusterEvent). Plugins register the events that could undo their own
// rejections; the queue moves a pod back only on an event one of its
// rejecting plugins registered, and only if that plugin's hint agrees.

import { resourceFromList } from './resources.ts';
import type { Node } from './types.ts';

export type EventResource = 'Node' | 'Pod' | 'AssignedPod' | '*';

/** Bit flags, as fwk.ActionType, so a registration can cover several kinds of change. */
export const ActionType = {
  Add: 1 << 0,
  Delete: 1 << 1,
  UpdateNodeAllocatable: 1 << 2,
  UpdateNodeLabel: 1 << 3,
  /** Taints, and spec.unschedulable, which Kubernetes treats as a taint change. */
  UpdateNodeTaint: 1 << 4,
  All: (1 << 5) - 1,
} as const;

export interface ClusterEvent {
  resource: EventResource;
  actionType: number;
  /** For logs and the UI, as Kubernetes labels events: `NodeAdd`, `AssignedPodDelete`, `UnschedulableTimeout`. */
  label: string;
}

export const NodeAdd: ClusterEvent = { resource: 'Node', actionType: ActionType.Add, label: 'NodeAdd' };
export const NodeAllocatableChange: ClusterEvent = { resource: 'Node', actionType: ActionType.UpdateNodeAllocatable, label: 'NodeAllocatableChange' };
export const NodeLabelChange: ClusterEvent = { resource: 'Node', actionType: ActionType.UpdateNodeLabel, label: 'NodeLabelChange' };
export const NodeTaintChange: ClusterEvent = { resource: 'Node', actionType: ActionType.UpdateNodeTaint, label: 'NodeTaintChange' };
export const NodeSpecUnschedulableChange: ClusterEvent = { resource: 'Node', actionType: ActionType.UpdateNodeTaint, label: 'NodeSpecUnschedulableChange' };
/** An assigned pod was deleted, finished (Succeeded/Failed), or an assumed pod's binding failed: its node has room again. */
export const AssignedPodDelete: ClusterEvent = { resource: 'AssignedPod', actionType: ActionType.Delete, label: 'AssignedPodDelete' };
/** Pods left in unschedulablePods longer than the limit move on this wildcard event, whatever rejected them. */
/** A claim, volume or class changed: pods waiting for their claims (VolumeBinding) get another try. */
export const StorageChange: ClusterEvent = { resource: '*', actionType: ActionType.All, label: 'StorageChange' };
export const UnschedulableTimeout: ClusterEvent = { resource: '*', actionType: ActionType.All, label: 'UnschedulableTimeout' };

export function isWildCard(event: ClusterEvent): boolean {
  return event.resource === '*' && event.actionType === ActionType.All;
}

/**
 * framework.MatchClusterEvents: `incoming` matches a registration when it is the same
 * or a more specific event; `Pod` registrations cover `AssignedPod` events.
 */
export function matchClusterEvents(registered: ClusterEvent, incoming: ClusterEvent): boolean {
  if (isWildCard(registered)) return true;
  const resourceMatches =
    registered.resource === '*' || registered.resource === incoming.resource || (registered.resource === 'Pod' && incoming.resource === 'AssignedPod');
  return resourceMatches && (registered.actionType & incoming.actionType) !== 0 && incoming.actionType <= registered.actionType;
}

function sameResources(a: Node, b: Node): boolean {
  return JSON.stringify(resourceFromList(a.status?.allocatable)) === JSON.stringify(resourceFromList(b.status?.allocatable));
}

function sameLabels(a: Node, b: Node): boolean {
  const left = a.metadata.labels ?? {};
  const right = b.metadata.labels ?? {};
  const keys = Object.keys(left);
  return keys.length === Object.keys(right).length && keys.every((key) => right[key] === left[key]);
}

/**
 * nodeSchedulingPropertiesChange: the events a node update amounts to. A
 * heartbeat (conditions only) amounts to none of those the plugins register,
 * so it moves no pod.
 */
export function nodeSchedulingPropertiesChange(oldNode: Node, newNode: Node): ClusterEvent[] {
  const events: ClusterEvent[] = [];
  if (Boolean(oldNode.spec?.unschedulable) !== Boolean(newNode.spec?.unschedulable)) events.push(NodeSpecUnschedulableChange);
  if (!sameResources(oldNode, newNode)) events.push(NodeAllocatableChange);
  if (!sameLabels(oldNode, newNode)) events.push(NodeLabelChange);
  if (JSON.stringify(oldNode.spec?.taints ?? []) !== JSON.stringify(newNode.spec?.taints ?? [])) events.push(NodeTaintChange);
  return events;
}
