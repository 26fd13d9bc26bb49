// The Node object a kubelet registers and keeps up to date: the standard
// labels, capacity and allocatable, addresses (InternalIP, Hostname),
// nodeInfo, the images present, and the conditions.

import type { KubeObject } from '../kube/meta.ts';
import type { Image } from '../runtime/runtime.ts';
import type { NodeCondition } from './nodeConditions.ts';
import { KUBELET_PORT } from './server/kubeletConfiguration.ts';

export const KUBELET_VERSION = 'v1.32.0';
export const CONTROL_PLANE_ROLE_LABEL = 'node-role.kubernetes.io/control-plane';

export interface NodeSystemInfo {
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  containerRuntimeVersion: string;
  kubeletVersion: string;
  kubeProxyVersion: string;
  operatingSystem: string;
  architecture: string;
}

export interface NodeDescription {
  name: string;
  /** Labels beyond the standard ones (the control-plane role, the user's). */
  labels: Record<string, string>;
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  providerID?: string;
}

export interface NodeStatusInputs {
  internalIP?: string;
  nodeInfo: NodeSystemInfo;
  images: Image[];
  conditions: NodeCondition[];
}

/** The labels every kubelet sets on its node (updateDefaultLabels). */
export function standardLabels(name: string, os: string, arch: string): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': os,
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': os,
  };
}

/** The node's images, largest first and at most 50, as the kubelet's Images setter reports them. */
function nodeImages(images: Image[]): Array<{ names: string[]; sizeBytes: number }> {
  return [...images]
    .sort((a, b) => b.sizeBytes - a.sizeBytes)
    .slice(0, 50)
    .map((image) => ({ names: [...image.repoDigests, ...image.repoTags], sizeBytes: image.sizeBytes }))
    .filter((image) => image.names.length > 0);
}

export function nodeStatus(description: NodeDescription, inputs: NodeStatusInputs): Record<string, unknown> {
  const addresses = [
    ...(inputs.internalIP ? [{ type: 'InternalIP', address: inputs.internalIP }] : []),
    { type: 'Hostname', address: description.name },
  ];
  return {
    capacity: { ...description.capacity },
    allocatable: { ...description.allocatable },
    conditions: inputs.conditions,
    addresses,
    // Where the API server reaches the kubelet for nodes/proxy (and metrics-server for /metrics/resource).
    daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
    nodeInfo: inputs.nodeInfo,
    images: nodeImages(inputs.images),
  };
}

export function newNode(description: NodeDescription, status: Record<string, unknown>): KubeObject {
  const node: KubeObject = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: description.name,
      labels: { ...description.labels },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: description.providerID ? { providerID: description.providerID } : {},
    status,
  };
  return node;
}

/** The event involvedObject the kubelet uses for its node (its uid is the node name, as nodeRef sets it). */
export function nodeRef(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } };
}
