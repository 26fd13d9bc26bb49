// Pods, events and nodes as a real cluster reports them (shapes and messages
// copied from kube-scheduler and kubelet output), for the debugger's rules.

import type { EventView, NodeView, PodView } from '../../main/insight/podView.ts';

export function pod(name: string, spec: PodView['spec'], status: PodView['status']): PodView {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, creationTimestamp: '2025-01-10T10:00:00Z' },
    spec: { restartPolicy: 'Always', ...spec },
    status,
  };
}

export function event(p: PodView, reason: string, message: string, extra: Partial<EventView> = {}): EventView {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${p.metadata.name}.${reason}`, namespace: 'shop', uid: `ev-${reason}-${Math.random()}` },
    involvedObject: { kind: 'Pod', name: p.metadata.name, namespace: 'shop', uid: p.metadata.uid },
    reason,
    message,
    type: 'Warning',
    count: 1,
    lastTimestamp: '2025-01-10T10:05:00Z',
    ...extra,
  };
}

export function node(name: string, allocatable: Record<string, string>, taints: NodeView['spec'] = {}): NodeView {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `node-${name}` },
    spec: taints,
    status: { allocatable, capacity: allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

export const twoNodes = [node('podlab-worker', { cpu: '4', memory: '8Gi', pods: '110' }), node('podlab-control-plane', { cpu: '2', memory: '4Gi', pods: '110' }, { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] })];
