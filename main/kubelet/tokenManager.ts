// The kubelet's service account token manager (pkg/kubelet/token): tokens for
// projected serviceAccountToken volumes, requested through the TokenRequest
// API (serviceaccounts/NAME/token, bound to the pod) and cached; a token is
// requested again once it is past 80% of its lifetime (or a day old), with a
// few seconds of jitter. When a refresh fails, the old token serves while it
// is still valid.

import type { KubeObject } from '../kube/meta.ts';
import type { ResourceClient } from '../kube/client/types.ts';
import type { Pod } from './types.ts';

/** ServiceAccountTokenProjection's default expirationSeconds. */
const defaultExpirationSeconds = 3600;
const maxTtlMs = 24 * 3600 * 1000;
const maxJitterMs = 10_000;

interface CachedToken {
  podUid: string;
  token: string;
  expiresAt: number;
  expirationSeconds: number;
}

export interface TokenProjection {
  audience?: string;
  expirationSeconds?: number;
}

export class ServiceAccountTokenManager {
  private readonly cache = new Map<string, CachedToken>();

  constructor(
    private readonly serviceAccounts: ResourceClient,
    private readonly now: () => number,
    private readonly random: () => number = Math.random,
  ) {}

  /** requiresRefresh: older than 80% of its TTL, or than a day, less a jitter. */
  private requiresRefresh(cached: CachedToken): boolean {
    const now = this.now();
    const jitter = Math.floor(this.random() * (maxJitterMs / 1000)) * 1000;
    const issuedAt = cached.expiresAt - cached.expirationSeconds * 1000;
    if (now > issuedAt + maxTtlMs - jitter) return true;
    return now > cached.expiresAt - Math.floor((cached.expirationSeconds * 20) / 100) * 1000 - jitter;
  }

  /** The token for a projected volume of this pod; throws `failed to fetch token: ...` when none can be had. */
  async token(pod: Pod, projection: TokenProjection): Promise<string> {
    const namespace = pod.metadata.namespace ?? 'default';
    const serviceAccount = pod.spec.serviceAccountName ?? 'default';
    const expirationSeconds = projection.expirationSeconds ?? defaultExpirationSeconds;
    const audiences = projection.audience ? [projection.audience] : null;
    const boundObjectRef = { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
    const key = JSON.stringify([serviceAccount, namespace, audiences, expirationSeconds, boundObjectRef]);
    const cached = this.cache.get(key);
    if (cached && !this.requiresRefresh(cached)) return cached.token;
    let answer: KubeObject;
    try {
      answer = await this.serviceAccounts.createSubresource(namespace, serviceAccount, 'token', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        metadata: {},
        spec: { audiences, expirationSeconds, boundObjectRef },
      });
    } catch (err) {
      if (!cached) throw new Error(`failed to fetch token: ${(err as Error).message}`);
      if (this.now() > cached.expiresAt) throw new Error(`token for ${namespace}/${serviceAccount} expired and refresh failed: ${(err as Error).message}`);
      return cached.token;
    }
    const status = (answer.status ?? {}) as { token?: string; expirationTimestamp?: string };
    const fresh: CachedToken = { podUid: boundObjectRef.uid, token: status.token ?? '', expiresAt: Date.parse(status.expirationTimestamp ?? '') || this.now() + expirationSeconds * 1000, expirationSeconds };
    this.cache.set(key, fresh);
    return fresh.token;
  }

  /** DeleteServiceAccountToken: the pod is gone, so are its tokens. */
  forgetPod(uid: string): void {
    for (const [key, cached] of this.cache) if (cached.podUid === uid) this.cache.delete(key);
  }
}
