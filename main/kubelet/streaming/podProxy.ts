// pods/proxy and services/proxy: kube-apiserver's UpgradeAwareHandler to
// http(s)://ADDRESS:PORT/PATH on the cluster network. The request goes on as
// the client sent it (method, path past `/proxy`, query, headers but the
// client's credentials and the hop-by-hop ones, body), and the pod's answer
// comes back as the pod gave it. The connection is made as every host-side
// connection to a pod is (PodDialer); an https target's certificate is not
// checked, as kube-apiserver does not check a pod's. What cannot be reached
// is a 503 "error trying to reach service", in kube-apiserver's words.

import { request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectHandler } from '../../apiserver/dispatcher.ts';
import { errors } from '../../apiserver/errors.ts';
import type { ProxyTarget } from '../../apiserver/proxyTarget.ts';

/** Hop-by-hop headers (RFC 9110 7.6.1), and the client's credentials for the API server, which the pod must not see. */
const dropped = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'authorization', 'impersonate-user', 'impersonate-group', 'impersonate-uid']);

function forwardedHeaders(headers: IncomingHttpHeaders, host: string, clientAddress: string | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || dropped.has(name) || name.startsWith('impersonate-extra-')) continue;
    out[name] = value;
  }
  out.host = host;
  // As Go's ReverseProxy: the client's address appended to what proxies before said.
  if (clientAddress) out['x-forwarded-for'] = headers['x-forwarded-for'] ? `${String(headers['x-forwarded-for'])}, ${clientAddress}` : clientAddress;
  return out;
}

function answerHeaders(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (!dropped.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  return out;
}

export class PodProxy implements ConnectHandler {
  constructor(
    private readonly target: ProxyTarget,
    private readonly dial: () => Promise<Socket>,
  ) {}

  async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { scheme, address, port, path, query } = this.target;
    const search = query.size ? `?${query}` : '';
    // A location without a trailing path is sent to the same with a slash, so the page's relative links resolve below it.
    if (path === '') {
      res.writeHead(301, { Location: `${(req.url ?? '').split('?')[0]}/${search}` }).end();
      return;
    }
    const host = `${address.includes(':') ? `[${address}]` : address}:${port}`;
    let socket: Socket;
    try {
      socket = await this.dial();
    } catch (error) {
      throw errors.serviceUnavailable(`error trying to reach service: ${(error as Error).message}`);
    }
    const stream: Duplex = scheme === 'https' ? tlsConnect({ socket, rejectUnauthorized: false }) : socket;
    // A failure is answered by the server as any refusal is: a Status before the pod's answer began, else the connection cut.
    await new Promise<void>((resolve, reject) => {
      const unreachable = (error: Error) => reject(errors.serviceUnavailable(`error trying to reach service: ${error.message}`));
      const upstream = request({ createConnection: () => stream as Socket, method: req.method, path: `${path}${search}`, headers: forwardedHeaders(req.headers, host, req.socket.remoteAddress) }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answerHeaders(answer.rawHeaders));
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', unreachable);
      });
      upstream.on('error', unreachable);
      // The client going away ends the request to the pod.
      res.on('close', () => upstream.destroy());
      req.pipe(upstream);
    });
  }

  upgrade(_req: IncomingMessage, socket: Duplex): void {
    // WebSockets through the proxy are not carried yet: refused in HTTP's words rather than left hanging.
    socket.end('HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nupgrades through pods/proxy and services/proxy are not supported by PodLab\n');
  }
}
