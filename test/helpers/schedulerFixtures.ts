// Small builders for the pods and nodes scheduler tests talk about.

import { randomUUID } from 'node:crypto';
import type { Container, Node, NodeSpec, Pod, PodSpec, ResourceList } from '../../main/scheduler/types.ts';

export interface PodOptions {
  namespace?: string;
  uid?: string;
  requests?: ResourceList;
  spec?: Partial<PodSpec>;
  labels?: Record<string, string>;
}

export function makePod(name: string, options: PodOptions = {}): Pod {
  const container: Container = { name: 'app', image: 'busybox' };
  if (options.requests) container.resources = { requests: options.requests };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: options.namespace ?? 'default', uid: options.uid ?? randomUUID(), labels: options.labels },
    spec: { schedulerName: 'default-scheduler', containers: [container], ...options.spec },
    status: { phase: 'Pending' },
  };
}

export interface NodeOptions {
  allocatable?: ResourceList;
  labels?: Record<string, string>;
  spec?: NodeSpec;
}

export function makeNode(name: string, options: NodeOptions = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: randomUUID(), labels: { 'kubernetes.io/hostname': name, ...options.labels } },
    spec: options.spec ?? {},
    status: { allocatable: options.allocatable ?? { cpu: '4', memory: '8Gi', pods: '110' } },
  };
}

/** A pod already running on `nodeName`. */
export function assignedPod(name: string, nodeName: string, options: PodOptions = {}): Pod {
  const pod = makePod(name, options);
  pod.spec.nodeName = nodeName;
  pod.status = { phase: 'Running' };
  return pod;
}
