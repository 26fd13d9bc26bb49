// Subresources that are actions rather than views: pods/binding (the
// scheduler's decision), pods/eviction, serviceaccounts/token (TokenRequest),
// and the streaming ones (log, exec, attach, portforward) that the node side
// serves through a PodConnector. Each kind declares the actions it has
// (ResourceDefinition.actions); the dispatcher only looks them up.

import { errors } from './errors.ts';
import type { KubeObject, Status } from '../kube/meta.ts';
import type { ApiRequest, ApiResult, ConnectHandler } from './dispatcher.ts';
import type { ResourceRegistry, WriteContext } from './registry/registry.ts';
import { kubeTimestamp } from '../kube/time.ts';
import type { TokenRequests } from './tokenRequest.ts';
import { evictPod } from './eviction.ts';
import type { Authorizer } from './auth/authorizer.ts';
import { ensureAuthorizedForVerb } from './auth/connectCreateCheck.ts';
import { resourceAttributes } from './auth/requestAttributes.ts';
import { proxyPathOf, splitSchemeNamePort, type ProxyName, type ProxyTarget } from './proxyTarget.ts';

export interface SubresourceRequest {
  registry: ResourceRegistry;
  req: ApiRequest;
  namespace: string;
  ctx: WriteContext;
}

/** Serves pods/log, pods/exec, pods/attach, pods/portforward: provided by the node side (kubelets), absent until it runs. */
export interface PodConnector {
  connect(subresource: string, pod: KubeObject, req: ApiRequest): Promise<ApiResult>;
  /** pods/proxy and services/proxy: an HTTP request to an address on the cluster network, reached through `nodeName`'s pod network. */
  proxy(nodeName: string, target: ProxyTarget): ApiResult;
}

/** nodes/proxy's node side: the kubelet API of the nodes whose kubelets run here. */
export interface NodeConnector {
  /** The kubelet of `nodeName` answering `path` (past `/proxy`, as sent); undefined when no kubelet runs that node here. */
  kubeletApi(nodeName: string, path: string): ConnectHandler | undefined;
}

export function success(code: number): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
}

/** What subresource actions use from the API server they run in. */
export class SubresourceServices {
  podConnector?: PodConnector;
  nodeConnector?: NodeConnector;
  /** Issues service account tokens; set by the API server once its signing key is known. */
  tokenRequests?: TokenRequests;
  /** The PodDisruptionBudgets evictions must respect. */
  budgets?: () => ResourceRegistry | undefined;
  /** The Endpoints services/proxy picks an address from. */
  endpoints?: () => ResourceRegistry | undefined;
  /** The request path's authorizer, for checks a subresource adds to the filter's (pods/exec's `create`). */
  authorizer?: Authorizer;
  /** AuthorizePodWebsocketUpgradeCreatePermission (off, as in 1.32): `requireCreate` below applies only when on. */
  websocketUpgradeNeedsCreate = false;

  constructor(readonly now: () => Date) {}
}

/**
 * A subresource that is an action, declared by its kind (ResourceDefinition.actions):
 * the verbs it answers and what it does. status and scale are views the generic registry serves.
 */
export interface SubresourceAction {
  verbs: string[];
  run(r: SubresourceRequest, services: SubresourceServices): Promise<ApiResult>;
}

const created = (object: unknown): ApiResult => ({ type: 'object', code: 201, object, warnings: [] });

/** pods/binding: the scheduler's decision. */
export const bindingAction: SubresourceAction = {
  verbs: ['create'],
  run: async (r, services) => {
    await bindPod(r.registry, r.namespace, r.req.info.name, r.req.body, services.now);
    return created(success(201));
  },
};

/** pods/eviction: a delete that disruption budgets may refuse. */
export const evictionAction: SubresourceAction = {
  verbs: ['create'],
  run: async (r, services) => {
    await evictPod(r.registry, services.budgets?.(), r.namespace, r.req.info.name, r.req.body, r.ctx, services.now);
    return created(success(201));
  },
};

/** serviceaccounts/token: TokenRequest. */
export const tokenAction: SubresourceAction = {
  verbs: ['create'],
  run: async (r, services) => {
    if (!services.tokenRequests) throw errors.serviceUnavailable('service account tokens are not issued by this server');
    return created(await services.tokenRequests.create(r));
  },
};

/**
 * pods/log, exec, attach, portforward: served by the node side through the PodConnector.
 * `requireCreate`: with AuthorizePodWebsocketUpgradeCreatePermission on, a request authorized as another verb (a WebSocket's
 * GET) must also be allowed `create`, before the pod is looked up.
 */
export function podConnectAction(verbs: string[], options: { requireCreate?: boolean } = {}): SubresourceAction {
  return {
    verbs,
    run: async (r, services) => {
      if (options.requireCreate && services.websocketUpgradeNeedsCreate) await ensureAuthorizedForVerb(services.authorizer, resourceAttributes(r.req.user, r.req.info, r.req.query), 'create');
      const pod = await r.registry.get(r.namespace, r.req.info.name);
      if (!services.podConnector) throw errors.serviceUnavailable(`${r.req.info.subresource} is not available: no node runtime is running`);
      return services.podConnector.connect(r.req.info.subresource, pod, r.req);
    },
  };
}

/** BindingREST.assignPod: sets spec.nodeName of pod `podName` once, and PodScheduled=True, in one write. */
export async function bindPod(registry: ResourceRegistry, namespace: string, podName: string, body: unknown, now: () => Date): Promise<void> {
  const binding = (body ?? {}) as { metadata?: { name?: string; uid?: string }; target?: { kind?: string; name?: string } };
  const nodeName = binding.target?.name;
  if (!nodeName) {
    throw errors.invalid('Binding', '', podName, [{ type: 'FieldValueRequired', field: 'target.name' }]);
  }
  if (binding.target?.kind && binding.target.kind !== 'Node') {
    throw errors.invalid('Binding', '', podName, [{ type: 'FieldValueNotSupported', field: 'target.kind', value: binding.target.kind, detail: 'supported values: "Node"' }]);
  }
  const gr = registry.groupResource;
  await registry.storageUpdate(namespace, podName, (pod) => {
    const spec = pod.spec as { nodeName?: string };
    if (binding.metadata?.uid && binding.metadata.uid !== pod.metadata.uid) {
      throw errors.conflict(gr, podName, `Precondition failed: UID in precondition: ${binding.metadata.uid}, UID in object meta: ${pod.metadata.uid}`);
    }
    if (pod.metadata.deletionTimestamp) throw errors.conflict(gr, podName, 'pod is being deleted, cannot be assigned to a host');
    if (spec.nodeName) throw errors.conflict(gr, podName, `pod ${podName} is already assigned to node "${spec.nodeName}"`);
    const status = (pod.status ?? {}) as { conditions?: Array<Record<string, unknown>> };
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: kubeTimestamp(now()) });
    return { ...pod, spec: { ...spec, nodeName }, status: { ...status, conditions } };
  });
}

const proxyVerbs = ['get', 'create', 'update', 'patch', 'delete'];

function proxyName(r: SubresourceRequest, kind: 'pod' | 'service' | 'node'): ProxyName {
  const parsed = splitSchemeNamePort(r.req.info.name);
  if (!parsed) throw errors.badRequest(`invalid ${kind} request ${JSON.stringify(r.req.info.name)}`);
  return parsed;
}

function connector(services: SubresourceServices): PodConnector {
  if (!services.podConnector) throw errors.serviceUnavailable('proxy is not available: no node runtime is running');
  return services.podConnector;
}

const numeric = (port: string) => (/^\d+$/.test(port) ? Number(port) : undefined);

/**
 * pods/NAME[:PORT]/proxy/PATH (pod ResourceLocation): the port given, else the first one a container declares,
 * else 80 (443 for https); the pod's IP.
 */
export const podProxyAction: SubresourceAction = {
  verbs: proxyVerbs,
  run: async (r, services) => {
    const { scheme, name, port } = proxyName(r, 'pod');
    const pod = (await r.registry.get(r.namespace, name)) as KubeObject & { spec?: { nodeName?: string; containers?: Array<{ ports?: Array<{ containerPort?: number }> }> }; status?: { podIP?: string } };
    const declared = pod.spec?.containers?.find((c) => c.ports?.length)?.ports?.[0]?.containerPort;
    const portNumber = port ? numeric(port) : (declared ?? (scheme === 'https' ? 443 : 80));
    if (portNumber === undefined) throw errors.badRequest(`invalid pod request ${JSON.stringify(r.req.info.name)}: the port must be a number`);
    const address = pod.status?.podIP;
    if (!address || !pod.spec?.nodeName) throw errors.badRequest('address not allowed');
    return connector(services).proxy(pod.spec.nodeName, { scheme, address, port: portNumber, path: proxyPathOf(r.req.info), query: r.req.query });
  },
};

interface NodeView {
  status?: { daemonEndpoints?: { kubeletEndpoint?: { Port?: number } }; addresses?: Array<{ type?: string; address?: string }> };
}

/** The port kube-apiserver reaches a kubelet on when its Node does not say (--kubelet-port). */
const DEFAULT_KUBELET_PORT = 10250;

/**
 * nodes/NAME[:PORT]/proxy/PATH (node ResourceLocation): without a port, or with the kubelet's, the kubelet's own API
 * (its /healthz, /pods, /stats/summary, /metrics...); with another port, that port on the node's InternalIP
 * (a hostNetwork pod's server, node-exporter's :9100).
 */
export const nodeProxyAction: SubresourceAction = {
  verbs: proxyVerbs,
  run: async (r, services) => {
    const { scheme, name, port } = proxyName(r, 'node');
    const node = (await r.registry.get('', name)) as KubeObject & NodeView;
    const kubeletPort = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT;
    const path = proxyPathOf(r.req.info);
    if (port === '' || port === String(kubeletPort)) {
      const handler = services.nodeConnector?.kubeletApi(name, path);
      if (!handler) throw errors.serviceUnavailable(`error trying to reach service: no kubelet runs node ${JSON.stringify(name)} in PodLab`);
      return { type: 'connect', handler };
    }
    const portNumber = numeric(port);
    if (portNumber === undefined) throw errors.badRequest(`invalid node request ${JSON.stringify(r.req.info.name)}: the port must be a number`);
    const address = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    if (!address) throw errors.serviceUnavailable(`error trying to reach service: node ${JSON.stringify(name)} reports no InternalIP`);
    return connector(services).proxy(name, { scheme, address, port: portNumber, path, query: r.req.query });
  },
};

interface EndpointsView {
  subsets?: Array<{ addresses?: Array<{ ip?: string; nodeName?: string }>; ports?: Array<{ name?: string; port?: number }> }>;
}

/**
 * services/NAME[:PORT]/proxy/PATH (service ResourceLocation): a port number is the service port's name; an
 * address of the Endpoints subset that has that port, picked at random.
 */
export const serviceProxyAction: SubresourceAction = {
  verbs: proxyVerbs,
  run: async (r, services) => {
    const { scheme, name, port: requested } = proxyName(r, 'service');
    let port = requested;
    const number = numeric(port);
    if (number !== undefined) {
      const service = (await r.registry.get(r.namespace, name)) as KubeObject & { spec?: { ports?: Array<{ name?: string; port?: number }> } };
      const found = service.spec?.ports?.find((p) => p.port === number);
      if (!found) throw errors.serviceUnavailable(`no service port ${number} found for service ${JSON.stringify(name)}`);
      port = found.name ?? '';
    }
    // No Endpoints object (no such Service): kube-apiserver's NotFound for it.
    const endpoints = (await services.endpoints?.()?.get(r.namespace, name)) as (KubeObject & EndpointsView) | undefined;
    const subsets = (endpoints?.subsets ?? []).filter((s) => (s.addresses ?? []).length > 0);
    if (subsets.length === 0) throw errors.serviceUnavailable(`no endpoints available for service ${JSON.stringify(name)}`);
    const start = Math.floor(Math.random() * subsets.length);
    for (let i = 0; i < subsets.length; i++) {
      const subset = subsets[(start + i) % subsets.length]!;
      const subsetPort = subset.ports?.find((p) => (p.name ?? '') === port);
      if (!subsetPort?.port) continue;
      const addresses = subset.addresses!.filter((a) => a.ip && a.nodeName);
      if (addresses.length === 0) continue;
      const chosen = addresses[Math.floor(Math.random() * addresses.length)]!;
      return connector(services).proxy(chosen.nodeName!, { scheme, address: chosen.ip!, port: subsetPort.port, path: proxyPathOf(r.req.info), query: r.req.query });
    }
    throw errors.serviceUnavailable(`no endpoints available for service ${JSON.stringify(r.req.info.name)}`);
  },
};

