// The TokenRequest subresource, serviceaccounts/token
// (pkg/registry/core/serviceaccount/storage/token.go): issues a token for a
// service account, bound to a pod when the request names one. `kubectl create
// token` and the kubelet (for projected serviceAccountToken volumes) both
// come here.

import type { ObjectRef, ServiceAccountTokens } from './auth/serviceAccountTokens.ts';
import { errors } from './errors.ts';
import type { KubeObject } from '../kube/meta.ts';
import { kubeTimestamp } from '../kube/time.ts';
import type { ResourceRegistry } from './registry/registry.ts';
import { authenticationGroup } from './resources/authentication.k8s.io.ts';
import type { SubresourceRequest } from './subresources.ts';
import { invalid } from './validation/fieldErrors.ts';

interface TokenRequestSpec {
  audiences?: string[] | null;
  expirationSeconds?: number | null;
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } | null;
}

/** SetDefaults_TokenRequestSpec: an hour. */
const defaultExpirationSeconds = 3600;

export interface TokenRequestDeps {
  tokens: () => ServiceAccountTokens;
  /** The registry of a core/v1 resource: the pod and node a token is bound to. */
  coreRegistry: (plural: string) => ResourceRegistry | undefined;
  now: () => Date;
}

export class TokenRequests {
  constructor(private readonly deps: TokenRequestDeps) {}

  async create({ registry, req, namespace }: SubresourceRequest): Promise<KubeObject> {
    const name = req.info.name;
    const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as KubeObject & { spec?: TokenRequestSpec };
    const metadata = body.metadata ?? {};
    if (metadata.name && metadata.name !== name) {
      throw errors.invalid('TokenRequest', authenticationGroup, name, [invalid('metadata.name', metadata.name, 'must match the service account name if specified')]);
    }
    if (metadata.namespace && metadata.namespace !== namespace) {
      throw errors.invalid('TokenRequest', authenticationGroup, name, [invalid('metadata.namespace', metadata.namespace, 'must match the service account namespace if specified')]);
    }
    // The service account, pod and node are only read: the objects watchers share, not copies (a token per pod).
    const sa = await registry.get(namespace, name, { shared: true });
    const tokens = this.deps.tokens();
    const spec = body.spec ?? {};
    const audiences = spec.audiences?.length ? spec.audiences : tokens.audiences;
    const expirationSeconds = spec.expirationSeconds ?? defaultExpirationSeconds;
    if (expirationSeconds < 600) {
      throw errors.invalid('TokenRequest', authenticationGroup, '', [invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes')]);
    }
    if (expirationSeconds > 2 ** 32) {
      throw errors.invalid('TokenRequest', authenticationGroup, '', [invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds')]);
    }
    const now = this.deps.now();
    const bound = await this.boundObjects(spec.boundObjectRef ?? undefined, namespace, name);
    const { token } = await tokens.issue({ namespace, serviceAccount: { name, uid: sa.metadata.uid ?? '' }, ...bound, audiences, expirationSeconds });
    return {
      apiVersion: `${authenticationGroup}/v1`,
      kind: 'TokenRequest',
      metadata: { name, namespace, creationTimestamp: kubeTimestamp(now) },
      spec: { audiences, expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
      status: { token, expirationTimestamp: kubeTimestamp(new Date(now.getTime() + expirationSeconds * 1000)) },
    };
  }

  /** The pod (and its node) a token is bound to. */
  private async boundObjects(ref: TokenRequestSpec['boundObjectRef'], namespace: string, serviceAccount: string): Promise<{ pod?: ObjectRef; node?: ObjectRef }> {
    if (!ref) return {};
    const [group, version] = (ref.apiVersion ?? '').includes('/') ? (ref.apiVersion ?? '').split('/') : ['', ref.apiVersion ?? ''];
    if (group !== '' || ref.kind !== 'Pod') throw errors.badRequest(`cannot bind token to object of type ${group}/${version}, Kind=${ref.kind ?? ''}`);
    const pods = this.deps.coreRegistry('pods')!;
    const pod = await pods.get(namespace, ref.name ?? '', { shared: true });
    if ((pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName !== serviceAccount) {
      throw errors.badRequest(`cannot bind token for serviceaccount "${serviceAccount}" to pod running with different serviceaccount name.`);
    }
    if (ref.uid && ref.uid !== pod.metadata.uid) {
      throw errors.conflict({ group: '', resource: 'Pod' }, ref.name ?? '', `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
    const bound: { pod: ObjectRef; node?: ObjectRef } = { pod: { name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' } };
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    // A token is issued even when the node cannot be found.
    const node = nodeName ? await this.deps.coreRegistry('nodes')?.getShared('', nodeName).catch(() => undefined) : undefined;
    if (node) bound.node = { name: node.metadata.name ?? '', uid: node.metadata.uid ?? '' };
    return bound;
  }
}
