// A cluster's proxy-url as client-go reads it: http, https or socks5, with
// optional user:password in the URL (Proxy-Authorization for http(s), the
// RFC 1929 login for SOCKS5). Errors name the proxy without its password.

export class ProxyError extends Error {
  override name = 'ProxyError';
}

export type ProxyScheme = 'http' | 'https' | 'socks5';

export interface ProxyUrl {
  scheme: ProxyScheme;
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** The URL without its credentials, for messages. */
  shown: string;
  /** Where the user set it ("the cluster's proxy-url", "HTTPS_PROXY"), for messages that say what to change. */
  setting: string;
}

export const kubeconfigProxySetting = "the cluster's proxy-url";

const defaultPorts: Record<ProxyScheme, number> = { http: 80, https: 443, socks5: 1080 };

/** Parses `text`; throws ProxyError with client-go's wording for what kubectl refuses too. */
export function parseProxyUrl(text: string, setting = kubeconfigProxySetting): ProxyUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ProxyError(`could not parse: ${text}`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'socks5') throw new ProxyError(`unsupported scheme "${scheme}", must be http, https, or socks5`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return {
    scheme,
    host,
    port: url.port ? Number(url.port) : defaultPorts[scheme],
    ...(username ? { username } : {}),
    ...(username || password ? { password } : {}),
    shown: `${scheme}://${url.host}`,
    setting,
  };
}
