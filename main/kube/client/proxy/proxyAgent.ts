// The https.Agent for an API server behind a proxy: each connection is a
// tunnel (HTTP CONNECT, over TLS to an https proxy, or SOCKS5) and then TLS
// to the API server with the request's own settings (CA, tls-server-name,
// client certificate), so requests, watches and WebSocket streams (ws takes
// an agent) all go through the proxy the same way. Connections are kept
// alive, as the default agent keeps direct ones.

import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, rootCertificates, type ConnectionOptions } from 'node:tls';
import { httpConnect } from './httpConnect.ts';
import { ProxyError, parseProxyUrl, type ProxyUrl } from './proxyUrl.ts';
import { socks5Connect } from './socks5.ts';

/** A TCP (or, to an https proxy, TLS) connection to the proxy itself. */
function connectToProxy(proxy: ProxyUrl, tls: RequestOptions): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const failed = (err: Error) => reject(new ProxyError(`cannot reach the proxy ${proxy.shown}: ${err.message}`, { cause: err }));
    if (proxy.scheme !== 'https') {
      const socket = netConnect({ host: proxy.host, port: proxy.port }, () => resolve(socket.off('error', failed)));
      socket.once('error', failed);
      return;
    }
    // Go's transport checks an https proxy with the cluster's TLS settings; the
    // system's CAs are added, so a proxy with a public certificate passes too.
    const options: ConnectionOptions = {
      host: proxy.host,
      port: proxy.port,
      servername: proxy.host,
      ...(tls.ca ? { ca: [...rootCertificates, ...[tls.ca].flat().map(String)] } : {}),
      ...(tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    };
    const socket = tlsConnect(options, () => resolve(socket.off('error', failed)));
    socket.once('error', failed);
  });
}

export class ProxyAgent extends Agent {
  private readonly proxy: ProxyUrl;

  constructor(proxyUrl: string, setting?: string, options: AgentOptions = {}) {
    super({ keepAlive: true, ...options });
    this.proxy = parseProxyUrl(proxyUrl, setting);
  }

  override createConnection(options: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
    const host = String(options.host ?? options.hostname ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
    const port = Number(options.port ?? 443);
    const tunnel = (socket: Duplex) => (this.proxy.scheme === 'socks5' ? socks5Connect(socket, this.proxy, host, port) : httpConnect(socket, this.proxy, host, port));
    connectToProxy(this.proxy, options)
      .then(tunnel)
      .then(
        // The request's options carry its TLS settings (ca, cert, key, servername, rejectUnauthorized).
        (socket) => callback?.(null, tlsConnect({ ...(options as ConnectionOptions), host, socket })),
        (err: Error) => callback?.(err, undefined as unknown as Duplex),
      );
    return undefined;
  }
}

const agents = new Map<string, ProxyAgent>();

/** One agent per proxy (and where it was set), so its kept-alive tunnels are shared by every request to that proxy. */
export function proxyAgent(proxyUrl: string, setting?: string): ProxyAgent {
  const key = `${setting ?? ''} ${proxyUrl}`;
  let agent = agents.get(key);
  if (!agent) agents.set(key, (agent = new ProxyAgent(proxyUrl, setting)));
  return agent;
}
