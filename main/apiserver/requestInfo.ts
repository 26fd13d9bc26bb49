// Splits a request path into what it addresses, as Kubernetes'
// RequestInfoFactory does: /api/v1/namespaces/NS/pods/NAME/log and
// /apis/apps/v1/deployments are both "resource requests"; everything else
// (/version, /api, /openapi/v2) is a non-resource request.

import { queryBool } from './queryValues.ts';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequestInfo {
  isResourceRequest: true;
  path: string;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  verb: Verb;
}

export interface NonResourceRequestInfo {
  isResourceRequest: false;
  path: string;
  verb: string;
}

export type RequestInfo = ResourceRequestInfo | NonResourceRequestInfo;

// Subresources of a namespace that are addressed as /namespaces/NAME/SUB, not as namespaced resources.
const namespaceSubresources = new Set(['status', 'finalize']);

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return { isResourceRequest: false, path, verb: method.toLowerCase() };
  }
  if (rest.length === 0) return { isResourceRequest: false, path, verb: method.toLowerCase() };

  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !namespaceSubresources.has(rest[2])) rest = rest.slice(2);
  }
  const [resource, name = '', subresource = ''] = rest;
  if (rest.length > 3) {
    // Deeper paths (pods/NAME/proxy/some/path) keep only the subresource; the rest is the subresource's own business.
  }
  return {
    isResourceRequest: true,
    path,
    group,
    version,
    namespace: resource === 'namespaces' ? '' : namespace,
    resource,
    name,
    subresource,
    verb: verbOf(method, name, query),
  };
}

function verbOf(method: string, name: string, query: URLSearchParams): Verb {
  switch (method.toUpperCase()) {
    case 'GET':
    case 'HEAD': {
      if (queryBool(query, 'watch')) return 'watch';
      return name ? 'get' : 'list';
    }
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return name ? 'delete' : 'deletecollection';
    default:
      return 'get';
  }
}
