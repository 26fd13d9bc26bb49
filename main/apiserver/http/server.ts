// The HTTPS front of the API server: TLS on 127.0.0.1 only, authentication
// (bearer tokens, impersonation), discovery and OpenAPI documents, and
// resource requests handed to the Dispatcher. Every error leaves as a
// metav1.Status.

import { createServer, type Server } from 'node:https';
import { keepAliveSafe } from '../../kube/httpsKeepAlive.ts';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { UserInfo } from '../auth/user.ts';
import type { RequestAuthenticator } from '../auth/requestAuthenticator.ts';
import { forbiddenError } from '../auth/forbidden.ts';
import type { Authorizer } from '../auth/authorizer.ts';
import { aggregatedDiscoveryContentType, aggregatedDiscoveryRequested, type Discovery } from '../discovery.ts';
import type { Dispatcher } from '../dispatcher.ts';
import { errors, toStatusError } from '../errors.ts';
import type { KubeObject, Status } from '../../kube/meta.ts';
import { parseRequestInfo } from '../requestInfo.ts';
import { decodeBody, isDrained, readBody } from './body.ts';
import { writeAnswer } from './chunkedWrite.ts';
import { encodeJson, encodeJsonPieces, encodeSerialized, prettyRequested } from './jsonEncoding.ts';
import { tableRequested } from './negotiation.ts';
import { toTable } from './tables.ts';
import { streamWatch } from './watchStream.ts';
import type { ResourceRegistry } from '../registry/registry.ts';
import type { TraceClock } from '../../kube/trace/traceClock.ts';
import type { PodTraceEndpoint } from '../podTraceEndpoint.ts';
import { healthAnswer, type HealthCheck, type HealthEndpoint } from './healthChecks.ts';
import { PROMETHEUS_TEXT_TYPE } from '../../metrics/prometheusText.ts';

/** Serves /openapi/v2 and /openapi/v3/... documents in the encoding the client accepts, with an ETag. */
export interface OpenApiDocuments {
  document(path: string, accept: string | undefined, ifNoneMatch: string | undefined): { body: Buffer; etag: string; contentType: string; notModified: boolean } | undefined;
}

export interface ApiHttpServerOptions {
  /** The serving key and certificate; `clientCA` (PEM): client certificates it signed authenticate their subject. */
  tls: { key: string; cert: string; clientCA?: string };
  authenticator: RequestAuthenticator;
  authorizer: Authorizer;
  dispatcher: Dispatcher;
  discovery: Discovery;
  openapi?: OpenApiDocuments;
  /** How often watches that allow bookmarks get one (default: a minute, as Kubernetes). */
  bookmarkIntervalMs?: number;
  limits?: HttpLimits;
  /** The pod journeys' clock: a request's arrival and authentication are its first spans. */
  journeyClock?: TraceClock;
  /** PodLab's own /podlab/v1/.../trace endpoint. */
  podTraces?: PodTraceEndpoint;
  /** What /healthz and /livez check; /readyz checks these and `ready` too. */
  health?: { live: HealthCheck[]; ready: HealthCheck[] };
  /** /metrics, in Prometheus' text format. */
  metrics?: () => Promise<string>;
}

/** What one client may hold of the server; defaults in `defaultHttpLimits`. */
export interface HttpLimits {
  /** A request that is not long-running (watch, logs, exec...) is answered 504 after this (kube-apiserver --request-timeout). */
  requestTimeoutMs?: number;
  /** Connections beyond this are closed at once: clients that trickle or hold connections cannot exhaust the process. */
  maxConnections?: number;
  /** A watcher whose unsent events pass this many bytes is ended (it relists), as kube-apiserver ends a watcher that does not keep up. */
  watchBufferBytes?: number;
}

export const defaultHttpLimits: Required<HttpLimits> = { requestTimeoutMs: 60_000, maxConnections: 1024, watchBufferBytes: 16 * 1024 * 1024 };

// kube-apiserver's long-running requests (BasicLongRunningRequestCheck): no request timeout for them.
const longRunningSubresources = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);
// The methods kube-apiserver routes; any other (PROPFIND, TRACE, OPTIONS...) is a 405.
const routedMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
// The media types a create or update body may have (the serializers of built-in kinds).
const objectMediaTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

export function writeStatus(res: ServerResponse, status: Status, pretty = false, warnings: string[] = []): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' };
  if (warnings.length) headers.Warning = warningHeaders(warnings);
  // A refusal before the body was read (401, 413, a timeout): the connection closes rather than reading on what the client sends,
  // unless the rest of a body a little too big is being read and dropped, so the client still sending can read this answer.
  if (!res.req.complete && !isDrained(res.req)) headers.Connection = 'close';
  writeAnswer(res, status.code, headers, [encodeJson(status, pretty)]);
}

function writeJson(res: ServerResponse, code: number, body: unknown, warnings: string[], pretty: boolean): void {
  // Answered already: the request timed out meanwhile.
  if (res.headersSent) return;
  const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' };
  if (warnings.length) headers.Warning = warningHeaders(warnings);
  writeAnswer(res, code, headers, encodeJsonPieces(body, pretty));
}

function warningHeaders(warnings: string[]): string[] {
  return warnings.map((w) => `299 - ${JSON.stringify(w)}`);
}

const prettyFor = (req: IncomingMessage) => prettyRequested(req, requestTarget(req).query);

/**
 * The path as sent, and the query. The path is never normalized as a URL would be: `configmaps/..`
 * (or `%2e%2e`) names a ConfigMap "..", which the dispatcher refuses, never the namespace above it.
 */
function requestTarget(req: IncomingMessage): { path: string; query: URLSearchParams } {
  const target = req.url ?? '/';
  const mark = target.indexOf('?');
  return mark < 0 ? { path: target, query: new URLSearchParams() } : { path: target.slice(0, mark), query: new URLSearchParams(target.slice(mark + 1)) };
}

/** A path whose escapes do not decode: Go's server refuses the request line before kube-apiserver sees it. */
function malformedPath(path: string): boolean {
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

function isLongRunning(req: IncomingMessage): boolean {
  const { path, query } = requestTarget(req);
  if (malformedPath(path)) return false;
  const info = parseRequestInfo(req.method ?? 'GET', path, query);
  return info.isResourceRequest && (info.verb === 'watch' || longRunningSubresources.has(info.subresource));
}

export class ApiHttpServer {
  readonly server: Server;
  private readonly upgraded = new Set<Duplex>();

  private readonly limits: Required<HttpLimits>;

  constructor(private readonly options: ApiHttpServerOptions) {
    this.limits = { ...defaultHttpLimits, ...options.limits };
    // With a client CA, clients may present a certificate; one that does not verify is not refused here, so its request can still authenticate by token.
    const clientCertificates = options.tls.clientCA ? { ca: options.tls.clientCA, requestCert: true, rejectUnauthorized: false } : {};
    this.server = createServer({ key: options.tls.key, cert: options.tls.cert, ...clientCertificates }, (req, res) => {
      const timeout = isLongRunning(req) ? undefined : setTimeout(() => writeStatus(res, errors.requestTimeout().status, prettyFor(req)), this.limits.requestTimeoutMs);
      this.handle(req, res)
        .catch((err) => {
          const status = toStatusError(err);
          writeStatus(res, status.status, prettyFor(req), status.warnings);
        })
        .finally(() => clearTimeout(timeout));
    });
    // Watches are long-lived: Node's request timeout must not cut them (the one above spares them).
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
    this.server.keepAliveTimeout = 30_000;
    this.server.maxConnections = this.limits.maxConnections;
    keepAliveSafe(this.server);
    // A request line Node cannot parse (or headers past its limit) gets a bare 400 and the socket closes, as from Go's server.
    this.server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request');
      else socket.destroy();
    });
    this.server.on('upgrade', (req, socket, head) => {
      this.upgraded.add(socket);
      socket.once('close', () => this.upgraded.delete(socket));
      // Node drops its own error listener from an upgraded socket: a client reset while the request is checked must not crash the server.
      socket.on('error', () => socket.destroy());
      this.handleUpgrade(req, socket, head).catch((err) => {
        const status = toStatusError(err).status;
        socket.end(`HTTP/1.1 ${status.code} ${status.reason ?? 'Error'}\r\nContent-Type: application/json\r\n\r\n${encodeJson(status, prettyFor(req))}`);
      });
    });
  }

  /** Listens on 127.0.0.1 only: the API is for this machine's user. Port 0 picks a free one, as does `orAnyPort` when `port` is taken. */
  listen(port: number, host = '127.0.0.1', orAnyPort = false): Promise<number> {
    return new Promise((resolve, reject) => {
      const failed = (err: NodeJS.ErrnoException) => {
        if (orAnyPort && port !== 0 && err.code === 'EADDRINUSE') {
          port = 0;
          this.server.listen(0, host);
          return;
        }
        this.server.off('listening', listening);
        this.server.off('error', failed);
        reject(err);
      };
      const listening = () => {
        this.server.off('error', failed);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      };
      this.server.on('error', failed);
      this.server.once('listening', listening);
      this.server.listen(port, host);
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      // Upgraded connections (exec, attach) are no longer HTTP ones: closeAllConnections leaves them, and close would wait for them.
      for (const socket of this.upgraded) socket.destroy();
    });
  }

  private authenticate(req: IncomingMessage): Promise<UserInfo> {
    return this.options.authenticator.authenticate(req.headers, req.socket);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, query } = requestTarget(req);
    if (malformedPath(path)) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end('400 Bad Request');
      return;
    }
    const url = { pathname: path, searchParams: query };
    const receivedMs = this.options.journeyClock?.now() ?? 0;
    const authentication = await this.options.authenticator.authenticateRequest(req.headers, req.socket);
    const user = authentication.user;
    const arrival = { receivedMs, authenticatedMs: this.options.journeyClock?.now() ?? 0, method: authentication.method, ...(authentication.impersonatedBy ? { impersonatedBy: authentication.impersonatedBy } : {}) };
    const method = req.method ?? 'GET';
    if (!routedMethods.has(method)) throw errors.methodNotAllowed();
    const info = parseRequestInfo(method, url.pathname, url.searchParams);
    if (!info.isResourceRequest) {
      await this.handleNonResource(url, req, res, user);
      return;
    }
    const contentType = req.headers['content-type'];
    // A proxied request's body is the pod's business: it is passed on unread.
    const proxied = info.subresource === 'proxy';
    if (!proxied && (method === 'POST' || method === 'PUT') && contentType && !objectMediaTypes.includes(contentType.split(';')[0].trim().toLowerCase())) {
      throw errors.unsupportedMediaType(objectMediaTypes);
    }
    const raw = !proxied && ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? await readBody(req) : Buffer.alloc(0);
    const body = decodeBody(raw, contentType);
    if (!proxied && ['POST', 'PUT', 'PATCH'].includes(method) && body === undefined) throw errors.badRequest('the request body must not be empty');
    const result = await this.options.dispatcher.handle({ user, info, query: url.searchParams, body, contentType: req.headers['content-type'], userAgent: req.headers['user-agent'], ...(this.options.journeyClock ? { arrival } : {}) });
    const registry = this.options.dispatcher.registryFor(info);
    const table = tableRequested(req.headers.accept, url.searchParams);
    if (result.type === 'watch') {
      await streamWatch(result.start, req, res, url.searchParams, table ? (obj, first) => toTable(registry!.def, [obj], table, obj.metadata.resourceVersion, first) : undefined, registry!, this.options.bookmarkIntervalMs, this.limits.watchBufferBytes);
      return;
    }
    if (result.type === 'connect') {
      await result.handler.serve(req, res);
      return;
    }
    writeJson(res, result.code, table && registry && !info.subresource ? this.asTable(registry, result.object, table) : result.object, result.warnings, prettyRequested(req, url.searchParams));
  }

  private asTable(registry: ResourceRegistry, object: unknown, table: NonNullable<ReturnType<typeof tableRequested>>): unknown {
    const obj = object as { kind?: string; items?: KubeObject[]; metadata?: { resourceVersion?: string; continue?: string } };
    if (obj.kind === `${registry.def.kind}List` && Array.isArray(obj.items)) {
      const t = toTable(registry.def, obj.items, table, obj.metadata?.resourceVersion);
      if (obj.metadata?.continue) t.metadata.continue = obj.metadata.continue;
      return t;
    }
    if (obj.kind === registry.def.kind) return toTable(registry.def, [object as KubeObject], table, obj.metadata?.resourceVersion);
    return object;
  }

  private async handleNonResource(url: { pathname: string; searchParams: URLSearchParams }, req: IncomingMessage, res: ServerResponse, user: UserInfo): Promise<void> {
    const path = url.pathname;
    // A pod's trace is authorized as reading the pod, not as a non-resource URL.
    const tracedPod = this.options.podTraces?.match(path);
    if (tracedPod) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw errors.methodNotAllowed();
      const answer = await this.options.podTraces!.serve(user, tracedPod.namespace, tracedPod.name, url.searchParams);
      writeJson(res, 200, answer, [], prettyRequested(req, url.searchParams));
      return;
    }
    const attrs = { user, verb: (req.method ?? 'get').toLowerCase(), path, isResourceRequest: false };
    const decision = await this.options.authorizer.authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
    const health = /^\/(healthz|livez|readyz)(?:\/(.+))?$/.exec(path);
    if (health) {
      const endpoint = health[1] as HealthEndpoint;
      const { live = [], ready = [] } = this.options.health ?? {};
      const answer = await healthAnswer(endpoint, health[2], url.searchParams, endpoint === 'readyz' ? [...live, ...ready] : live);
      if (!answer) throw errors.resourceNotFound(path);
      writeAnswer(res, answer.status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }, [answer.text]);
      return;
    }
    if (path === '/metrics' && this.options.metrics) {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw errors.methodNotAllowed();
      writeAnswer(res, 200, { 'Content-Type': PROMETHEUS_TEXT_TYPE }, [await this.options.metrics()]);
      return;
    }
    const aggregated = aggregatedDiscoveryRequested(req.headers.accept);
    const discovery = this.options.discovery.document(path, aggregated);
    if (discovery) {
      const contentType = aggregated && (path === '/api' || path === '/apis') ? aggregatedDiscoveryContentType(aggregated) : 'application/json';
      // /version is written raw (WriteRawJSON: always indented, no newline); the others like any API object.
      const text = path === '/version' ? discovery : encodeSerialized(discovery, prettyRequested(req, url.searchParams));
      writeAnswer(res, 200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', Vary: 'Accept' }, [text]);
      return;
    }
    if (path.startsWith('/openapi/') && this.options.openapi) {
      const doc = this.options.openapi.document(path, req.headers.accept, req.headers['if-none-match']);
      if (doc) {
        if (doc.notModified) {
          res.writeHead(304, { ETag: doc.etag });
          res.end();
          return;
        }
        res.writeHead(200, { 'Content-Type': doc.contentType, ETag: doc.etag, 'Cache-Control': 'no-cache, private' });
        res.end(doc.body);
        return;
      }
    }
    throw errors.resourceNotFound(path);
  }

  private async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { path, query } = requestTarget(req);
    if (malformedPath(path)) throw errors.badRequest(`invalid URL escape in ${JSON.stringify(path)}`);
    const user = await this.authenticate(req);
    const info = parseRequestInfo(req.method ?? 'GET', path, query);
    if (!info.isResourceRequest) throw errors.resourceNotFound(path);
    const result = await this.options.dispatcher.handle({ user, info, query });
    if (result.type !== 'connect') throw errors.badRequest('this resource does not accept an upgrade');
    await result.handler.upgrade(req, socket, head);
  }
}
