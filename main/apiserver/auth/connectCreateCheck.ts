// kube-apiserver's AuthorizePodWebsocketUpgradeCreatePermission
// (pkg/registry/core/pod/rest: ensureAuthorizedForVerb): a WebSocket upgrade
// is a GET, authorized as `get`, while SPDY's POST is `create`; so that
// `get pods/exec` alone does not open a shell, exec, attach and portforward
// also ask for `create` on the same attributes when the request's own verb
// was another. The refusal is NewForbidden with the authorizer's reason only
// (`pods "web" is forbidden: ` when RBAC gave none), not the filter's
// "User ... cannot ..." sentence.

import { errors } from '../errors.ts';
import type { AuthorizationAttributes, Authorizer } from './authorizer.ts';

export async function ensureAuthorizedForVerb(authorizer: Authorizer | undefined, attrs: AuthorizationAttributes, verb: string): Promise<void> {
  if (attrs.verb === verb) return;
  if (!authorizer) throw errors.internal('no authorizer available');
  const decision = await authorizer.authorize({ ...attrs, verb });
  if (!decision.allowed) throw errors.forbidden({ group: attrs.group ?? '', resource: attrs.resource ?? '' }, attrs.name ?? '', decision.reason);
}
