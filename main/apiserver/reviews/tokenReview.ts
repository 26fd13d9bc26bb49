// TokenReview (authentication.k8s.io/v1): who a bearer token stands for, as
// the API server itself would take it, for webhooks and proxies that
// authenticate their own callers (kube-rbac-proxy, metrics servers). The
// token authenticators run as for a request; a client certificate or
// impersonation plays no part. Never stored.

import type { KubeObject } from '../../kube/meta.ts';
import type { TokenAuthenticator } from '../auth/tokenAuthenticator.ts';
import type { CreateOnlyHandler } from '../createOnly.ts';
import { errors } from '../errors.ts';
import { allAuthenticated } from '../auth/user.ts';
import { peekJwtPayload } from '../auth/jwt.ts';

interface TokenReviewSpec {
  token?: string;
  audiences?: string[];
}

export function tokenReviews(authenticators: () => TokenAuthenticator[], apiAudiences: () => string[]): CreateOnlyHandler {
  return {
    async create(_user, review) {
      const spec = ((review as KubeObject & { spec?: TokenReviewSpec }).spec ?? {}) as TokenReviewSpec;
      if (!spec.token) throw errors.badRequest('token is required for TokenReview in authentication.k8s.io');
      // A token is good for the audiences asked about that it was issued for; with none asked, the API server's own.
      const wanted = spec.audiences?.length ? spec.audiences : apiAudiences();
      const answer = (status: Record<string, unknown>): KubeObject => ({ ...review, status });
      for (const authenticator of authenticators()) {
        let user;
        try {
          user = await authenticator.authenticateToken(spec.token, wanted);
        } catch (err) {
          return answer({ authenticated: false, error: (err as Error).message, user: {} });
        }
        if (!user) continue;
        // A service account token answers for the asked audiences it names; a static token for all of them.
        const named = peekJwtPayload(spec.token)?.aud;
        const tokenAudiences = typeof named === 'string' ? [named] : Array.isArray(named) ? (named as string[]) : undefined;
        const audiences = tokenAudiences ? wanted.filter((a) => tokenAudiences.includes(a)) : wanted;
        const groups = user.groups.includes(allAuthenticated) ? user.groups : [...user.groups, allAuthenticated];
        return answer({
          authenticated: true,
          user: { username: user.name, ...(user.uid ? { uid: user.uid } : {}), groups, ...(user.extra && Object.keys(user.extra).length ? { extra: user.extra } : {}) },
          audiences,
        });
      }
      return answer({ authenticated: false, user: {} });
    },
  };
}
