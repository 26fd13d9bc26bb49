// One GET of an httpGet probe, over the route to its port: straight to the
// endpoint (a published port, or an explicit host) with Node's http client,
// or from inside the pod as raw HTTP/1.1 through nc. Either way the answer is
// the status, Location and up to 10 KiB of body, or the reason the request
// failed in the words Go's http.Client would use after `Get "<url>": `.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { connectionRefused, dialErrorMessage } from './goNetErrors.ts';
import type { ProbeRequest } from './httpRequest.ts';
import { dialInPod } from './inPodConnection.ts';
import { goQuote, limitOutput, MAX_OUTPUT_BYTES } from './probeOutput.ts';
import type { ProbeTarget, Route } from './probeTarget.ts';
import { parseRawResponse } from './rawHttpResponse.ts';

export type Exchange =
  | { kind: 'response'; status: number; location?: string; body: string; bodyError?: string }
  /** The request failed: `cause` follows `Get "<url>": ` in the message. */
  | { kind: 'failed'; cause: string }
  /** The request could not be attempted at all. */
  | { kind: 'error'; message: string };

const AWAITING_HEADERS = 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)';
const READING_BODY = 'context deadline exceeded (Client.Timeout or context cancellation while reading body)';

export function exchange(route: Exclude<Route, { kind: 'unreachable' }>, request: ProbeRequest, timeoutMs: number, target: ProbeTarget): Promise<Exchange> {
  const invalid = request.headers.find(([, value]) => /[\r\n\0]/.test(value));
  if (invalid) return Promise.resolve({ kind: 'failed', cause: `net/http: invalid header field value for ${goQuote(invalid[0])}` });
  if (timeoutMs <= 0) return Promise.resolve({ kind: 'failed', cause: AWAITING_HEADERS });
  if (route.kind === 'inPod') return inPodExchange(route, request, timeoutMs, target);
  return directExchange(route, request, timeoutMs, target.signal);
}

function directExchange(route: Extract<Route, { kind: 'direct' }>, request: ProbeRequest, timeoutMs: number, signal?: AbortSignal): Promise<Exchange> {
  const { url } = request;
  const headers: Record<string, string | string[]> = { Host: request.host ?? url.authority };
  for (const [name, value] of request.headers) {
    const previous = headers[name];
    headers[name] = previous === undefined ? value : [...[previous].flat(), value];
  }
  const options = { host: route.endpoint.host, port: route.endpoint.port, method: 'GET', path: url.target, headers, agent: false as const };
  return new Promise((resolve) => {
    let settled = false;
    let receiving: ((bodyError: string) => void) | undefined;
    const finish = (result: Exchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      req.destroy();
      resolve(result);
    };
    const onAbort = () => (receiving ? receiving('context canceled') : finish({ kind: 'failed', cause: 'context canceled' }));
    const timer = setTimeout(() => (receiving ? receiving(READING_BODY) : finish({ kind: 'failed', cause: AWAITING_HEADERS })), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    // TLS as the kubelet's prober: no verification, and SNI only for a host name (Go sends none for an IP).
    const req =
      url.scheme === 'https'
        ? httpsRequest({ ...options, rejectUnauthorized: false, servername: isIP(url.hostname) ? '' : url.hostname })
        : httpRequest(options);
    req.on('error', (error) => finish({ kind: 'failed', cause: requestFailure(error, route) }));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const complete = (bodyError?: string) => {
        const result: Exchange = { kind: 'response', status: res.statusCode ?? 0, body: limitOutput(Buffer.concat(chunks).toString('utf8')) };
        if (res.headers.location !== undefined) result.location = res.headers.location;
        if (bodyError) result.bodyError = bodyError;
        finish(result);
      };
      receiving = complete;
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_OUTPUT_BYTES) complete();
      });
      res.on('end', () => complete());
      res.on('aborted', () => complete('unexpected EOF'));
      res.on('error', (error) => complete(error.message));
    });
    req.end();
  });
}

function requestFailure(error: NodeJS.ErrnoException, route: Extract<Route, { kind: 'direct' }>): string {
  if (error.syscall === 'connect' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return dialErrorMessage(route.address, error);
  if (error.code === 'ECONNRESET') {
    // The port proxy accepts and hangs up when nothing listens in the pod (see tcpProbe.ts).
    if (route.proxied) return connectionRefused(route.address);
    return error.message === 'socket hang up' ? 'EOF' : 'read: connection reset by peer';
  }
  if (error.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(error.message)) return 'http: server gave HTTP response to HTTPS client';
  return error.message;
}

async function inPodExchange(route: Extract<Route, { kind: 'inPod' }>, request: ProbeRequest, timeoutMs: number, target: ProbeTarget): Promise<Exchange> {
  if (request.url.scheme === 'https') {
    return { kind: 'error', message: `port ${route.port} is not published by the pod's sandbox, and HTTPS cannot be spoken from inside the pod with nc` };
  }
  const lines = [
    `GET ${request.url.target} HTTP/1.1`,
    `Host: ${request.host ?? request.url.authority}`,
    ...request.headers.map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
  ];
  const reply = await dialInPod({ runtime: target.runtime, containerId: target.containerId, host: route.host, port: route.port, timeoutMs, request: `${lines.join('\r\n')}\r\n\r\n` });
  switch (reply.kind) {
    case 'refused':
      return { kind: 'failed', cause: connectionRefused(route.address) };
    case 'timeout':
      return { kind: 'failed', cause: AWAITING_HEADERS };
    case 'error':
      return { kind: 'error', message: reply.message };
    case 'connected': {
      const parsed = parseRawResponse(reply.response);
      if ('empty' in parsed) return { kind: 'failed', cause: 'EOF' };
      if ('malformed' in parsed) return { kind: 'failed', cause: `net/http: HTTP/1.x transport connection broken: malformed HTTP response ${goQuote(parsed.malformed)}` };
      return { kind: 'response', ...parsed };
    }
  }
}
