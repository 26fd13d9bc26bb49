// What a Service's Endpoints should hold (syncService in
// endpoint/endpoints_controller.go, and RepackSubsets): one address per pod
// that has an IP, ready or not ready by the pod's Ready condition (all ready
// with publishNotReadyAddresses), with the port each service port reaches on
// that pod; then packed so that addresses serving the same ports share a
// subset. Pure: the controller only reads caches and writes the result.

import { isPodReady } from '../shared/podUtil.ts';
import { findPort, isServiceIPSet, podIPv4, podTargetRef, shouldPodBeInEndpoints, shouldSetHostname } from '../shared/servicePods.ts';
import type { Pod, Service } from '../shared/types.ts';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace: string; name: string; uid: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

interface Entry {
  address: EndpointAddress;
  ready: boolean;
  port?: EndpointPort;
}

function addressFor(pod: Pod, service: Service, ip: string): EndpointAddress {
  const address: EndpointAddress = { ip };
  if (shouldSetHostname(pod, service)) address.hostname = pod.spec.hostname;
  if (pod.spec.nodeName) address.nodeName = pod.spec.nodeName;
  address.targetRef = podTargetRef(pod);
  return address;
}

/** The subsets for `service` from the pods its selector matched. */
export function computeSubsets(service: Service, pods: Pod[]): EndpointSubset[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const ports = service.spec?.ports ?? [];
  const entries: Entry[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ip = podIPv4(pod);
    if (!ip) continue;
    const address = addressFor(pod, service, ip);
    const ready = publishNotReady || isPodReady(pod);
    if (ports.length === 0) {
      // Only a headless Service may have endpoints without ports.
      if (service.spec?.clusterIP === 'None') entries.push({ address, ready });
      continue;
    }
    for (const servicePort of ports) {
      const port = findPort(pod, servicePort);
      if (port === undefined) continue;
      const endpointPort: EndpointPort = { ...(servicePort.name ? { name: servicePort.name } : {}), port, protocol: servicePort.protocol ?? 'TCP' };
      if (servicePort.appProtocol) endpointPort.appProtocol = servicePort.appProtocol;
      entries.push({ address, ready, port: endpointPort });
    }
  }
  return repack(entries);
}

function addressKey(a: EndpointAddress): string {
  return `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;
}

/** LessEndpointAddress: by IP (as bytes), then by the pod's uid. */
function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  const na = a.name ?? '';
  const nb = b.name ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  return a.port - b.port || (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0);
}

/**
 * RepackSubsets: addresses that offer exactly the same ports (with the same
 * readiness) share one subset; an address not ready on some port is not ready
 * there. Kubernetes orders ports and subsets by a hash; PodLab orders them by
 * name and address instead, which is as stable and easier to read.
 */
export function repack(entries: Entry[]): EndpointSubset[] {
  const addresses = new Map<string, EndpointAddress>();
  /** port → address key → ready */
  const byPort = new Map<string, { port?: EndpointPort; ready: Map<string, boolean> }>();
  for (const { address, ready, port } of entries) {
    const key = addressKey(address);
    if (!addresses.has(key)) addresses.set(key, address);
    const portKey = port ? JSON.stringify([port.name ?? '', port.port, port.protocol, port.appProtocol ?? '']) : '';
    let group = byPort.get(portKey);
    if (!group) byPort.set(portKey, (group = { port, ready: new Map() }));
    const was = group.ready.get(key);
    // Not ready wins over ready.
    if (was === undefined || was) group.ready.set(key, ready);
  }
  /** the set of (address, readiness) → its ports */
  const bySet = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of byPort.values()) {
    const setKey = [...ready].map(([k, r]) => `${k}=${r}`).sort().join('|');
    let subset = bySet.get(setKey);
    if (!subset) bySet.set(setKey, (subset = { ready, ports: [] }));
    if (port) subset.ports.push(port);
  }
  const subsets: EndpointSubset[] = [];
  for (const { ready, ports } of bySet.values()) {
    const readyAddresses: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [key, isReady] of ready) (isReady ? readyAddresses : notReady).push(addresses.get(key)!);
    const subset: EndpointSubset = {};
    if (readyAddresses.length > 0) subset.addresses = readyAddresses.sort(compareAddresses);
    if (notReady.length > 0) subset.notReadyAddresses = notReady.sort(compareAddresses);
    if (ports.length > 0) subset.ports = ports.sort(comparePorts);
    subsets.push(subset);
  }
  const first = (s: EndpointSubset) => (s.addresses ?? s.notReadyAddresses ?? [])[0];
  return subsets.sort((a, b) => compareAddresses(first(a), first(b)) || comparePorts((a.ports ?? [])[0] ?? { port: 0, protocol: '' }, (b.ports ?? [])[0] ?? { port: 0, protocol: '' }));
}

/** The Endpoints labels: the Service's, plus service.kubernetes.io/headless on a headless Service. */
export function endpointsLabels(service: Service): Record<string, string> {
  const labels = { ...(service.metadata.labels ?? {}) };
  if (isServiceIPSet(service)) delete labels['service.kubernetes.io/headless'];
  else labels['service.kubernetes.io/headless'] = '';
  return labels;
}
