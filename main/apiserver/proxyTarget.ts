// The name part of pods/NAME/proxy and services/NAME/proxy, as kube-apiserver
// splits it (utilnet.SplitSchemeNamePort): `name`, `name:port` or
// `scheme:name:port`, the scheme http (the default) or https; the path and
// query the request carries past `/proxy`; and where the request then goes.

export interface ProxyName {
  scheme: 'http' | 'https';
  name: string;
  /** A number or a port name; '' when not given. */
  port: string;
}

/** Where a proxied request goes on the cluster network. */
export interface ProxyTarget {
  scheme: 'http' | 'https';
  address: string;
  port: number;
  /** The path past `/proxy`, as sent ('' for none). */
  path: string;
  query: URLSearchParams;
}

export function splitSchemeNamePort(id: string): ProxyName | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) [name] = parts as [string];
  else if (parts.length === 2) [name, port] = parts as [string, string];
  else if (parts.length === 3) [scheme, name, port] = parts as [string, string, string];
  else return undefined;
  if (!name || !['', 'http', 'https'].includes(scheme)) return undefined;
  return { scheme: scheme === 'https' ? 'https' : 'http', name, port };
}

/** What follows `/proxy` in the request's path ('' for none), as sent (still escaped). */
export function proxyPathOf(info: { path: string; resource: string; subresource: string }): string {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^.*?/${escape(info.resource)}/[^/]+/${escape(info.subresource)}(/.*)?$`).exec(info.path);
  return match?.[1] ?? '';
}
