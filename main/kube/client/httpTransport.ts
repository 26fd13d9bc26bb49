// One request to an API server over HTTPS, with the endpoint's credentials:
// answers come back as text (a JSON document), or as a stream of lines
// (watch). A 401 makes the source forget its credential and the request is
// sent once more, as client-go does for exec plugins whose token was revoked
// or expired early. Failures are the Status the server sent, as ApiError.

import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import type { Status } from '../meta.ts';
import { connectionOptions, type EndpointSource } from './apiEndpoint.ts';
import { ProxyError } from './proxy/proxyUrl.ts';
import { ApiError } from './types.ts';

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query: `/api/v1/namespaces/default/pods?limit=500`. */
  path: string;
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

const userAgent = 'podlab-ui (kubeconfig)';

/** The Status an answer carries, or one made from its code and text (a proxy's HTML page, an empty 503). */
export function statusOf(code: number, text: string): Status {
  try {
    const parsed = JSON.parse(text) as Status;
    if (parsed?.kind === 'Status') return { ...parsed, code: parsed.code || code };
  } catch {
    // Not JSON: fall through.
  }
  const reason = code === 401 ? 'Unauthorized' : code === 403 ? 'Forbidden' : code === 404 ? 'NotFound' : 'InternalError';
  const message = code === 401 ? 'Unauthorized: the API server did not accept the credentials of this kubeconfig user' : text.trim() || `the API server answered HTTP ${code}`;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, reason, message };
}

function send(source: EndpointSource, req: ApiRequest): Promise<IncomingMessage> {
  return source.current().then(
    (endpoint) =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const { headers, ...tls } = connectionOptions(endpoint);
        const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
        const outgoing = request(
          new URL(req.path, endpoint.url),
          {
            method: req.method,
            ...tls,
            signal: req.signal,
            headers: {
              ...headers,
              Accept: req.accept ?? 'application/json',
              'User-Agent': userAgent,
              ...(payload ? { 'Content-Type': req.contentType ?? 'application/json', 'Content-Length': payload.length } : {}),
            },
          },
          resolve,
        );
        // A proxy's refusal already says where it failed and what to check.
        outgoing.on('error', (err) => reject(err instanceof ProxyError ? err : new Error(`${endpoint.url} did not answer: ${err.message}`, { cause: err })));
        outgoing.end(payload);
      }),
  );
}

function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (text += chunk));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}

/** Sends `req`; a 401 is retried once with fresh credentials. Resolves with the response of a 2xx answer. */
export async function openRequest(source: EndpointSource, req: ApiRequest): Promise<IncomingMessage> {
  let res = await send(source, req);
  if (res.statusCode === 401) {
    res.resume();
    source.invalidate();
    res = await send(source, req);
  }
  const code = res.statusCode ?? 500;
  if (code < 200 || code > 299) throw new ApiError(statusOf(code, await readText(res)));
  return res;
}

/** The JSON document a request answers. */
export async function requestJson<T>(source: EndpointSource, req: ApiRequest): Promise<T> {
  const text = await readText(await openRequest(source, req));
  return JSON.parse(text) as T;
}
