// The 403 Kubernetes answers when authorization says no, word for word
// (responsewriters.Forbidden): `pods is forbidden: User "x" cannot list
// resource "pods" in API group "" in the namespace "default"`, with the
// authorizer's reason after a colon when it gave one.

import { errors, StatusError } from '../errors.ts';
import type { AuthorizationAttributes } from './authorizer.ts';

/** forbiddenMessage: what the user may not do, without the reason. */
export function forbiddenMessage(attrs: AuthorizationAttributes): string {
  const user = `User "${attrs.user.name}"`;
  if (!attrs.isResourceRequest) return `${user} cannot ${attrs.verb} path "${attrs.path ?? ''}"`;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : (attrs.resource ?? '');
  const where = attrs.namespace ? `in the namespace "${attrs.namespace}"` : 'at the cluster scope';
  return `${user} cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group ?? ''}" ${where}`;
}

export function forbiddenError(attrs: AuthorizationAttributes, reason: string): StatusError {
  const why = reason ? `${forbiddenMessage(attrs)}: ${reason}` : forbiddenMessage(attrs);
  if (!attrs.isResourceRequest) {
    return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `forbidden: ${why}`, reason: 'Forbidden', details: {}, code: 403 });
  }
  return errors.forbidden({ group: attrs.group ?? '', resource: attrs.resource ?? '' }, attrs.name ?? '', why);
}
