// The HTTPS front of the API server: TLS on 127.0.0.1 only, authentication
// (bearer tokens, impersonation), discovery and OpenAPI documents, and
// resource requests handed to the Dispatcher. Every error leaves as a
// metav1.Status.

import { createServer, type Server } from 'node:https';
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
import { decodeBody, readBody } from './body.ts';
import { encodeJson, encodeSerialized, prettyRequested } from './jsonEncoding.ts';
import { tableRequested } from './negotiation.ts';
import { toTable } from './tables.ts';
import { streamWatch } from './watchStream.ts';
import type { ResourceRegistry } from '../registry/registry.ts';

/** Serves /openapi/v2 and /openapi/v3/... documents in the encoding the client accepts, with an ETag. */
export interface OpenApiDocuments {
  document(path: string, accept: string | undefined, ifNoneMatch: string | undefined): { body: Buffer; etag: string; contentType: string; notModified: boolean } | undefined;
}

export interface ApiHttpServerOptions {
  tls: { key: string; cert: string };
  authenticator: RequestAuthenticator;
  authorizer: Authorizer;
  dispatcher: Dispatcher;
  discovery: Discovery;
  openapi?: OpenApiDocuments;
  /** How often watches that allow bookmarks get one (default: a minute, as Kubernetes). */
  bookmarkIntervalMs?: number;
}

export function writeStatus(res: ServerResponse, status: Status, pretty = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status.code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.end(encodeJson(status, pretty));
}

function writeJson(res: ServerResponse, code: number, body: unknown, warnings: string[], pretty: boolean): void {
  const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' };
  if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  res.writeHead(code, headers);
  res.end(encodeJson(body, pretty));
}

const prettyFor = (req: IncomingMessage) => prettyRequested(req, new URL(req.url ?? '/', 'https://localhost').searchParams);

export class ApiHttpServer {
  readonly server: Server;
  private readonly upgraded = new Set<Duplex>();

  constructor(private readonly options: ApiHttpServerOptions) {
    this.server = createServer({ key: options.tls.key, cert: options.tls.cert }, (req, res) => {
      this.handle(req, res).catch((err) => writeStatus(res, toStatusError(err).status, prettyFor(req)));
    });
    // Watches are long-lived: Node's default request timeouts must not cut them.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 60_000;
    this.server.keepAliveTimeout = 30_000;
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

  /** Listens on 127.0.0.1 only: the API is for this machine's user. Port 0 picks a free one. */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
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
    return this.options.authenticator.authenticate(req.headers);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const user = await this.authenticate(req);
    const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    if (!info.isResourceRequest) {
      await this.handleNonResource(url, req, res, user);
      return;
    }
    const method = req.method ?? 'GET';
    const raw = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? await readBody(req) : Buffer.alloc(0);
    const body = decodeBody(raw, req.headers['content-type']);
    if (['POST', 'PUT', 'PATCH'].includes(method) && body === undefined) throw errors.badRequest('the request body must not be empty');
    const result = await this.options.dispatcher.handle({ user, info, query: url.searchParams, body, contentType: req.headers['content-type'], userAgent: req.headers['user-agent'] });
    const registry = this.options.dispatcher.registryFor(info);
    const table = tableRequested(req.headers.accept, url.searchParams);
    if (result.type === 'watch') {
      await streamWatch(result.start, req, res, url.searchParams, table ? (obj, first) => toTable(registry!.def, [obj], table, obj.metadata.resourceVersion, first) : undefined, registry!, this.options.bookmarkIntervalMs);
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

  private async handleNonResource(url: URL, req: IncomingMessage, res: ServerResponse, user: UserInfo): Promise<void> {
    const path = url.pathname;
    const attrs = { user, verb: (req.method ?? 'get').toLowerCase(), path, isResourceRequest: false };
    const decision = await this.options.authorizer.authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
    if (['/healthz', '/livez', '/readyz'].includes(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    const aggregated = aggregatedDiscoveryRequested(req.headers.accept);
    const discovery = this.options.discovery.document(path, aggregated);
    if (discovery) {
      const contentType = aggregated && (path === '/api' || path === '/apis') ? aggregatedDiscoveryContentType(aggregated) : 'application/json';
      res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', Vary: 'Accept' });
      // /version is written raw (WriteRawJSON: always indented, no newline); the others like any API object.
      res.end(path === '/version' ? discovery : encodeSerialized(discovery, prettyRequested(req, url.searchParams)));
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
    const url = new URL(req.url ?? '/', 'https://localhost');
    const user = await this.authenticate(req);
    const info = parseRequestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    if (!info.isResourceRequest) throw errors.resourceNotFound(url.pathname);
    const result = await this.options.dispatcher.handle({ user, info, query: url.searchParams });
    if (result.type !== 'connect') throw errors.badRequest('this resource does not accept an upgrade');
    await result.handler.upgrade(req, socket, head);
  }
}
