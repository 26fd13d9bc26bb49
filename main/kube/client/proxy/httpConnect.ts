// A tunnel through an HTTP proxy: `CONNECT host:port` (RFC 9110 §9.3.6), with
// Basic Proxy-Authorization from the proxy URL's user and password as Go's
// http.Transport sends it. Any answer but 2xx is the proxy's refusal, said
// with what to check.

import type { Duplex } from 'node:stream';
import type { ProxyUrl } from './proxyUrl.ts';
import { ProxyError } from './proxyUrl.ts';
import { SocketReader } from './socketReader.ts';

function refusal(proxy: ProxyUrl, target: string, statusLine: string, code: number): ProxyError {
  const what = `${proxy.shown} refused the tunnel to ${target}: ${statusLine}`;
  if (code === 407)
    return new ProxyError(`${what}. The proxy wants credentials: ${proxy.username ? `it did not accept user "${proxy.username}"; check the user and password in ${proxy.setting}` : `put them in ${proxy.setting} as http://USER:PASSWORD@host:port`}`);
  if (code === 403) return new ProxyError(`${what}. The proxy does not allow connections to ${target}: ask its administrator, or check the cluster's server and ${proxy.setting}`);
  return new ProxyError(what);
}

/** Sends CONNECT on `socket` (already connected to the proxy) and resolves with it once the tunnel is open. */
export async function httpConnect(socket: Duplex, proxy: ProxyUrl, host: string, port: number): Promise<Duplex> {
  const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const reader = new SocketReader(socket, proxy.shown);
  const auth = proxy.username !== undefined ? `Proxy-Authorization: Basic ${Buffer.from(`${proxy.username}:${proxy.password ?? ''}`).toString('base64')}\r\n` : '';
  socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
  const head = await reader.headerBlock();
  const statusLine = head.split('\r\n', 1)[0]!;
  const code = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(statusLine)?.[1] ?? NaN);
  if (!(code >= 200 && code < 300)) {
    socket.destroy();
    throw Number.isNaN(code) ? new ProxyError(`${proxy.shown} is not an HTTP proxy: it answered "${statusLine.slice(0, 80)}"`) : refusal(proxy, target, statusLine, code);
  }
  return reader.release();
}
