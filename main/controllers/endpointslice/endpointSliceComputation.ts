// What a Service's EndpointSlices should hold (endpointslice reconciler and
// utils): every pod with an IP is an endpoint, terminating ones included, with
// conditions ready (serving and not terminating, or publishNotReadyAddresses),
// serving (the pod's Ready condition) and terminating; endpoints that reach
// the same ports share slices of at most 100. A Service without endpoints
// keeps one empty placeholder slice. Pure: the controller diffs the result
// against the slices it has.

import { isPodReady } from '../shared/podUtil.ts';
import { findPort, isServiceIPSet, podIPv4, podTargetRef, shouldPodBeInEndpoints, shouldSetHostname } from '../shared/servicePods.ts';
import type { Pod, Service } from '../shared/types.ts';

export const serviceNameLabel = 'kubernetes.io/service-name';
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
export const controllerName = 'endpointslice-controller.k8s.io';
const headlessLabel = 'service.kubernetes.io/headless';
export const maxEndpointsPerSlice = 100;

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  targetRef: { kind: string; namespace: string; name: string; uid: string };
  nodeName?: string;
}

export interface SlicePort {
  name: string;
  protocol: string;
  port: number;
  appProtocol?: string;
}

/** The endpoints of one slice-to-be, and the ports they share. */
export interface DesiredSlice {
  ports: SlicePort[];
  endpoints: SliceEndpoint[];
}

export function portsKey(ports: SlicePort[]): string {
  return JSON.stringify([...ports].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.port - b.port)).map((p) => [p.name, p.protocol, p.port, p.appProtocol ?? '']));
}

function endpointFor(pod: Pod, service: Service, ip: string): SliceEndpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const endpoint: SliceEndpoint = {
    addresses: [ip],
    // A terminating pod is never "ready", unless the Service publishes not-ready addresses.
    conditions: { ready: service.spec?.publishNotReadyAddresses === true || (serving && !terminating), serving, terminating },
    targetRef: podTargetRef(pod),
  };
  if (shouldSetHostname(pod, service)) endpoint.hostname = pod.spec.hostname;
  if (pod.spec.nodeName) endpoint.nodeName = pod.spec.nodeName;
  return endpoint;
}

/** getEndpointPorts: each service port this pod reaches, named as the service port. */
function portsFor(pod: Pod, service: Service): SlicePort[] {
  const out: SlicePort[] = [];
  for (const servicePort of service.spec?.ports ?? []) {
    const port = findPort(pod, servicePort);
    if (port === undefined) continue;
    const slicePort: SlicePort = { name: servicePort.name ?? '', protocol: servicePort.protocol ?? 'TCP', port };
    if (servicePort.appProtocol) slicePort.appProtocol = servicePort.appProtocol;
    out.push(slicePort);
  }
  return out;
}

/** The slices `service` should have, from the pods its selector matched; [] means only the placeholder. */
export function desiredSlices(service: Service, pods: Pod[]): DesiredSlice[] {
  const groups = new Map<string, DesiredSlice>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIPv4(pod);
    if (!ip) continue;
    const ports = portsFor(pod, service);
    const key = portsKey(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, endpoints: [] }));
    group.endpoints.push(endpointFor(pod, service, ip));
  }
  const slices: DesiredSlice[] = [];
  for (const group of groups.values()) {
    const endpoints = group.endpoints.sort((a, b) => (a.targetRef.name < b.targetRef.name ? -1 : a.targetRef.name > b.targetRef.name ? 1 : 0));
    for (let i = 0; i < endpoints.length; i += maxEndpointsPerSlice) slices.push({ ports: group.ports, endpoints: endpoints.slice(i, i + maxEndpointsPerSlice) });
  }
  return slices;
}

/** setEndpointSliceLabels: the Service's labels (reserved keys aside), the headless mark, the service name and the manager. */
export function sliceLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.metadata.labels ?? {})) {
    if (key !== serviceNameLabel && key !== managedByLabel && key !== headlessLabel) labels[key] = value;
  }
  if (!isServiceIPSet(service)) labels[headlessLabel] = '';
  labels[serviceNameLabel] = service.metadata.name ?? '';
  labels[managedByLabel] = controllerName;
  return labels;
}
