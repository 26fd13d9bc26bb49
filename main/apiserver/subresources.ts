// Subresources that are actions rather than views: pods/binding (the
// scheduler's decision), pods/eviction, serviceaccounts/token (TokenRequest),
// and the streaming ones (log, exec, attach, portforward) that the node side
// serves through a PodConnector.

import { errors } from './errors.ts';
import type { KubeObject, Status } from './meta/objects.ts';
import type { ApiRequest, ApiResult } from './dispatcher.ts';
import type { ResourceRegistry, WriteContext } from './registry/registry.ts';
import { kubeTimestamp } from './registry/objectMeta.ts';
import type { TokenRequests } from './tokenRequest.ts';

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

export class SubresourceHandlers {
  podConnector?: PodConnector;
  /** Issues service account tokens; set by the API server once its signing key is known. */
  tokenRequests?: TokenRequests;

  constructor(private readonly now: () => Date) {}

  async handle(subresource: string, r: SubresourceRequest): Promise<ApiResult> {
    const { registry, req } = r;
    const gr = registry.groupResource;
    switch (subresource) {
      case 'binding':
        if (req.info.verb !== 'create') throw errors.methodNotSupported(gr, req.info.verb);
        await this.bind(r);
        return { type: 'object', code: 201, object: success(201), warnings: [] };
      case 'eviction':
        if (req.info.verb !== 'create') throw errors.methodNotSupported(gr, req.info.verb);
        await this.evict(r);
        return { type: 'object', code: 201, object: success(201), warnings: [] };
      case 'token':
        if (req.info.verb !== 'create') throw errors.methodNotSupported(gr, req.info.verb);
        if (!this.tokenRequests) throw errors.serviceUnavailable('service account tokens are not issued by this server');
        return { type: 'object', code: 201, object: await this.tokenRequests.create(r), warnings: [] };
      default: {
        const pod = await registry.get(r.namespace, req.info.name);
        if (!this.podConnector) throw errors.serviceUnavailable(`${subresource} is not available: no node runtime is running`);
        return this.podConnector.connect(subresource, pod, req);
      }
    }
  }

  /** BindingREST.assignPod: sets spec.nodeName once, and PodScheduled=True, in one write. */
  private async bind({ registry, req, namespace }: SubresourceRequest): Promise<void> {
    const binding = (req.body ?? {}) as { metadata?: { name?: string; uid?: string }; target?: { kind?: string; name?: string } };
    const nodeName = binding.target?.name;
    if (!nodeName) {
      throw errors.invalid('Binding', '', req.info.name, [{ type: 'FieldValueRequired', field: 'target.name' }]);
    }
    if (binding.target?.kind && binding.target.kind !== 'Node') {
      throw errors.invalid('Binding', '', req.info.name, [
        { type: 'FieldValueNotSupported', field: 'target.kind', value: binding.target.kind, detail: 'supported values: "Node"' },
      ]);
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
      conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: kubeTimestamp(this.now()) });
      return { ...pod, status: { ...status, conditions } };
    });
  }

  private async evict({ registry, req, namespace, ctx }: SubresourceRequest): Promise<void> {
    const eviction = (req.body ?? {}) as { deleteOptions?: { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } } };
    await registry.delete(namespace, req.info.name, { gracePeriodSeconds: eviction.deleteOptions?.gracePeriodSeconds, preconditions: eviction.deleteOptions?.preconditions }, ctx);
  }
}
