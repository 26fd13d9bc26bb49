// What RBAC is asked about a resource request, as Kubernetes' RequestInfo
// fills it: a namespace is its own namespace (GET /api/v1/namespaces/foo is
// in namespace foo), and a list or watch narrowed to one name by
// `fieldSelector=metadata.name=X` is about X, so `resourceNames` rules apply.

import type { ResourceRequestInfo } from '../requestInfo.ts';
import type { AuthorizationAttributes } from './authorizer.ts';
import type { UserInfo } from './user.ts';

function nameFromFieldSelector(selector: string | null): string {
  if (!selector) return '';
  const terms = selector.split(',');
  if (terms.length !== 1) return '';
  const match = /^metadata\.name(?:==?)(.*)$/.exec(terms[0]!.trim());
  return match && /^[^/%]+$/.test(match[1]!) && match[1] !== '.' && match[1] !== '..' ? match[1]! : '';
}

export function resourceAttributes(user: UserInfo, info: ResourceRequestInfo, query: URLSearchParams): AuthorizationAttributes {
  let name = info.name;
  if (!name && (info.verb === 'list' || info.verb === 'watch')) name = nameFromFieldSelector(query.get('fieldSelector'));
  const namespace = info.resource === 'namespaces' && !info.namespace ? info.name : info.namespace;
  return {
    user,
    verb: info.verb,
    group: info.group,
    version: info.version,
    resource: info.resource,
    subresource: info.subresource,
    namespace,
    name,
    isResourceRequest: true,
  };
}
