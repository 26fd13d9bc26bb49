// Subresources that are actions rather than views: pods/binding (the
// scheduler's decision), pods/eviction, serviceaccounts/token (TokenRequest),
// and the streaming ones (log, exec, attach, portforward) that the node side
// serves through a PodConnector. Each kind declares the actions it has
// (ResourceDefinition.actions); the dispatcher only looks them up.

import { errors } from './errors.ts';
import type { KubeObject, Status } from '../kube/meta.ts';
import type { ApiRequest, ApiResult } from './dispatcher.ts';
import type { ResourceRegistry, WriteContext } from './registry/registry.ts';
import { kubeTimestamp } from '../kube/time.ts';
import type { TokenRequests } from './tokenRequest.ts';
import { evictPod } from './eviction.ts';
import type { Authorizer } from './auth/authorizer.ts';
import { ensureAuthorizedForVerb } from './auth/connectCreateCheck.ts';
import { resourceAttributes } from './auth/requestAttributes.ts';

export interface SubresourceRequest {
  registry: ResourceRegistry;
  req: ApiRequest;
  namespace: string;
  ctx: WriteContext;
}

/** Serves pods/log, pods/exec, pods/attach, pods/portforward: provided by the node side (kubelets), absent until it runs. */
export interface PodConnector {
  connect(subresource: string, pod: KubeObject, req: ApiRequest): Promise<ApiResult>;
}

function success(code: number): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
}

/** What subresource actions use from the API server they run in. */
export class SubresourceServices {
  podConnector?: PodConnector;
  /** Issues service account tokens; set by the API server once its signing key is known. */
  tokenRequests?: TokenRequests;
  /** The PodDisruptionBudgets evictions must respect. */
  budgets?: () => ResourceRegistry | undefined;
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
    await bind(r, services.now);
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

/** BindingREST.assignPod: sets spec.nodeName once, and PodScheduled=True, in one write. */
async function bind({ registry, req, namespace }: SubresourceRequest, now: () => Date): Promise<void> {
  const binding = (req.body ?? {}) as { metadata?: { name?: string; uid?: string }; target?: { kind?: string; name?: string } };
  const nodeName = binding.target?.name;
  if (!nodeName) {
    throw errors.invalid('Binding', '', req.info.name, [{ type: 'FieldValueRequired', field: 'target.name' }]);
  }
  if (binding.target?.kind && binding.target.kind !== 'Node') {
    throw errors.invalid('Binding', '', req.info.name, [{ type: 'FieldValueNotSupported', field: 'target.kind', value: binding.target.kind, detail: 'supported values: "Node"' }]);
  }
  const gr = registry.groupResource;
  await registry.storageUpdate(namespace, req.info.name, (pod) => {
    const spec = pod.spec as { nodeName?: string };
    if (binding.metadata?.uid && binding.metadata.uid !== pod.metadata.uid) {
      throw errors.conflict(gr, req.info.name, `Precondition failed: UID in precondition: ${binding.metadata.uid}, UID in object meta: ${pod.metadata.uid}`);
    }
    if (pod.metadata.deletionTimestamp) throw errors.conflict(gr, req.info.name, 'pod is being deleted, cannot be assigned to a host');
    if (spec.nodeName) throw errors.conflict(gr, req.info.name, `pod ${req.info.name} is already assigned to node "${spec.nodeName}"`);
    spec.nodeName = nodeName;
    const status = (pod.status ?? {}) as { conditions?: Array<Record<string, unknown>> };
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: kubeTimestamp(now()) });
    return { ...pod, status: { ...status, conditions } };
  });
}


