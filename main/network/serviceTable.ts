// Services and their endpoints as the service proxies and DNS see them,
// kept current by list/watch informers on Services, EndpointSlices and
// Endpoints. A Service's endpoints come from its EndpointSlices (label
// kubernetes.io/service-name), as kube-proxy reads them; a Service with no
// slice falls back to its Endpoints object (clusters whose controllers write
// only that, and selector-less Services whose owner wrote one by hand).

import type { AddonEndpoint, AddonService, AddonServicePort, ServiceProtocol } from '../addon/config.ts';
import { portKey } from '../addon/config.ts';
import type { KubeClient, ResourceRef } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';
import { realClock, type Clock } from '../kube/clock.ts';
import { Informer, objectKey } from '../kube/client/informer.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

const SERVICES: ResourceRef = { group: '', version: 'v1', plural: 'services' };
const ENDPOINTS: ResourceRef = { group: '', version: 'v1', plural: 'endpoints' };
const ENDPOINT_SLICES: ResourceRef = { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices' };

export interface ServicePortView extends AddonServicePort {
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceView extends AddonService {
  uid: string;
  type: string;
  ports: ServicePortView[];
  /** The Service as stored, for events and status updates. */
  object: KubeObject;
  /** The pod behind each endpoint address, where the slice or Endpoints names one (targetRef): whose journey a proxy change is part of. */
  endpointPods?: Map<string, EndpointPod>;
}

export interface EndpointPod {
  namespace: string;
  name: string;
  uid: string;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  externalName?: string;
  publishNotReadyAddresses?: boolean;
  ports?: Array<{ name?: string; protocol?: string; port?: number; targetPort?: number | string; nodePort?: number }>;
}

interface EndpointPort {
  name?: string;
  port?: number;
  protocol?: string;
}

interface TargetRef {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
}

interface SliceEndpoint {
  addresses?: string[];
  conditions?: { ready?: boolean };
  hostname?: string;
  targetRef?: TargetRef;
}

interface EndpointAddress {
  ip?: string;
  hostname?: string;
  targetRef?: TargetRef;
}

interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

export interface ServiceTableOptions {
  clock?: Clock;
  onError?: (error: unknown, context: string) => void;
}

export class ServiceTable {
  private readonly services = new Map<string, KubeObject>();
  private readonly endpoints = new Map<string, KubeObject>();
  /** Slices by the key of the Service they belong to, then by their own key. */
  private readonly slices = new Map<string, Map<string, KubeObject>>();
  private readonly informers: Array<Informer<KubeObject>>;
  private readonly client: KubeClient;
  private readonly listeners = new Set<() => void>();
  private snapshot: { list: ServiceView[]; byKey: Map<string, ServiceView> } | undefined;

  constructor(client: KubeClient, options: ServiceTableOptions = {}) {
    this.client = client;
    const informerOptions = { clock: options.clock ?? realClock, onError: options.onError ?? ((error: unknown, context: string) => console.error(`${context}:`, error)) };
    this.informers = [
      new Informer(client.resource(SERVICES), this.handlers((key, obj) => setOrDelete(this.services, key, obj)), informerOptions, 'services'),
      new Informer(client.resource(ENDPOINTS), this.handlers((key, obj) => setOrDelete(this.endpoints, key, obj)), informerOptions, 'endpoints'),
      new Informer(client.resource(ENDPOINT_SLICES), this.handlers((key, obj, old) => this.storeSlice(key, obj, old)), informerOptions, 'endpointslices'),
    ];
  }

  /** Resolves once every informer has delivered its first list. */
  async start(): Promise<void> {
    await Promise.all(this.informers.map((informer) => informer.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.informers.map((informer) => informer.stop()));
  }

  /** Resolves once the table holds exactly what the API holds now (every change made before the call has arrived). */
  async caughtUp(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const wanted = await Promise.all([SERVICES, ENDPOINTS, ENDPOINT_SLICES].map(async (ref) => versions((await this.client.resource(ref).list()).items)));
    const held = () => [versions([...this.services.values()]), versions([...this.endpoints.values()]), versions([...this.slices.values()].flatMap((m) => [...m.values()]))];
    while (held().some((versions, i) => versions !== wanted[i])) {
      if (Date.now() > deadline) throw new Error(`the Service table did not catch up with the API within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Called after every change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every Service with its endpoints, sorted by namespace and name. */
  list(): ServiceView[] {
    return this.current().list;
  }

  get(namespace: string, name: string): ServiceView | undefined {
    return this.current().byKey.get(`${namespace}/${name}`);
  }

  private current(): { list: ServiceView[]; byKey: Map<string, ServiceView> } {
    if (!this.snapshot) {
      const list = [...this.services.values()].map((service) => this.view(service)).sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
      this.snapshot = { list, byKey: new Map(list.map((s) => [`${s.namespace}/${s.name}`, s])) };
    }
    return this.snapshot;
  }

  private handlers(store: (key: string, obj: KubeObject | undefined, old?: KubeObject) => void) {
    const changed = () => {
      this.snapshot = undefined;
      for (const listener of this.listeners) listener();
    };
    return {
      onAdd: (obj: KubeObject) => {
        store(objectKey(obj), obj);
        changed();
      },
      onUpdate: (old: KubeObject, obj: KubeObject) => {
        store(objectKey(obj), obj, old);
        changed();
      },
      onDelete: (obj: KubeObject) => {
        store(objectKey(obj), undefined, obj);
        changed();
      },
    };
  }

  private storeSlice(key: string, slice: KubeObject | undefined, old?: KubeObject): void {
    if (old) this.slices.get(owningService(old))?.delete(key);
    if (!slice) return;
    const owner = owningService(slice);
    const slices = this.slices.get(owner) ?? new Map<string, KubeObject>();
    slices.set(key, slice);
    this.slices.set(owner, slices);
  }

  private view(service: KubeObject): ServiceView {
    const spec = (service.spec ?? {}) as ServiceSpec;
    const key = objectKey(service);
    const type = spec.type ?? 'ClusterIP';
    const view: ServiceView = {
      namespace: service.metadata.namespace ?? 'default',
      name: service.metadata.name ?? '',
      uid: service.metadata.uid ?? '',
      type,
      ports: (spec.ports ?? []).map((port) => {
        const view: ServicePortView = { name: port.name ?? '', protocol: (port.protocol ?? 'TCP') as ServiceProtocol, port: port.port ?? 0 };
        if (port.targetPort !== undefined) view.targetPort = port.targetPort;
        if (port.nodePort) view.nodePort = port.nodePort;
        return view;
      }),
      endpoints: [],
      object: service,
    };
    if (type === 'ExternalName') {
      if (spec.externalName) view.externalName = spec.externalName;
      return view;
    }
    if (spec.clusterIP && spec.clusterIP !== 'None') view.clusterIP = spec.clusterIP;
    if (spec.publishNotReadyAddresses) view.publishNotReadyAddresses = true;
    const slices = [...(this.slices.get(key)?.values() ?? [])];
    view.endpoints = slices.length > 0 ? slices.flatMap(sliceEndpoints) : endpointsOf(this.endpoints.get(key));
    view.endpointPods = slices.length > 0 ? slicePods(slices) : endpointsPods(this.endpoints.get(key));
    return view;
  }
}

function podOf(ref: TargetRef | undefined): EndpointPod | undefined {
  return ref?.kind === 'Pod' && ref.uid && ref.name ? { namespace: ref.namespace ?? '', name: ref.name, uid: ref.uid } : undefined;
}

function slicePods(slices: KubeObject[]): Map<string, EndpointPod> {
  const pods = new Map<string, EndpointPod>();
  for (const slice of slices) {
    for (const endpoint of (slice.endpoints ?? []) as SliceEndpoint[]) {
      const pod = podOf(endpoint.targetRef);
      if (pod) for (const address of endpoint.addresses ?? []) pods.set(address, pod);
    }
  }
  return pods;
}

function endpointsPods(endpoints: KubeObject | undefined): Map<string, EndpointPod> {
  const pods = new Map<string, EndpointPod>();
  for (const subset of (endpoints?.subsets ?? []) as EndpointSubset[]) {
    for (const address of [...(subset.addresses ?? []), ...(subset.notReadyAddresses ?? [])]) {
      const pod = podOf(address.targetRef);
      if (pod && address.ip) pods.set(address.ip, pod);
    }
  }
  return pods;
}

function versions(objects: KubeObject[]): string {
  return objects.map((o) => `${objectKey(o)}@${o.metadata.resourceVersion}`).sort().join(',');
}

function setOrDelete(map: Map<string, KubeObject>, key: string, obj: KubeObject | undefined): void {
  if (obj) map.set(key, obj);
  else map.delete(key);
}

function owningService(slice: KubeObject): string {
  return `${slice.metadata.namespace}/${slice.metadata.labels?.[SERVICE_NAME_LABEL] ?? ''}`;
}

function portMap(ports: EndpointPort[] | undefined): Record<string, number> {
  const map: Record<string, number> = {};
  for (const port of ports ?? []) if (port.port) map[portKey(port.name ?? '', port.protocol ?? 'TCP')] = port.port;
  return map;
}

export function sliceEndpoints(slice: KubeObject): AddonEndpoint[] {
  if (slice.addressType !== 'IPv4') return [];
  const ports = portMap(slice.ports as EndpointPort[] | undefined);
  return ((slice.endpoints ?? []) as SliceEndpoint[]).flatMap((endpoint) =>
    (endpoint.addresses ?? []).map((address) => {
      // An unknown readiness counts as ready (the EndpointSlice API says so).
      const view: AddonEndpoint = { address, ready: endpoint.conditions?.ready !== false, ports };
      if (endpoint.hostname) view.hostname = endpoint.hostname;
      return view;
    }),
  );
}

export function endpointsOf(endpoints: KubeObject | undefined): AddonEndpoint[] {
  const subsets = (endpoints?.subsets ?? []) as EndpointSubset[];
  return subsets.flatMap((subset) => {
    const ports = portMap(subset.ports);
    const one = (address: EndpointAddress, ready: boolean): AddonEndpoint[] => {
      if (!address.ip) return [];
      const view: AddonEndpoint = { address: address.ip, ready, ports };
      if (address.hostname) view.hostname = address.hostname;
      return [view];
    };
    return [...(subset.addresses ?? []).flatMap((a) => one(a, true)), ...(subset.notReadyAddresses ?? []).flatMap((a) => one(a, false))];
  });
}
