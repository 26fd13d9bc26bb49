// PodLab's built-in ingress controller: the IngressClass `podlab` (the
// default class, as k3d ships Traefik's), an HTTP proxy on 127.0.0.1 that
// routes by host and path to the ready endpoints of the Ingresses' Services,
// and each Ingress's status.loadBalancer. It listens on port 80 (HTTP) and
// 443 (HTTPS, with the certificates of the Ingresses' TLS Secrets) when this
// machine lets it, else on ports chosen once and kept on the IngressClass
// (annotations podlab.dev/http-port and podlab.dev/https-port), so URLs stay
// the same across restarts. `*.localhost` hosts need no DNS set-up: browsers
// and curl send them to 127.0.0.1.

import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { RoundRobin, readyTargets, type Target } from '../../addon/backends.ts';
import { dialFirst, splice } from '../../addon/splice.ts';
import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { keepAliveSafe } from '../../kube/httpsKeepAlive.ts';
import { Informer } from '../../kube/client/informer.ts';
import { isApiError, type KubeClient } from '../../kube/client/types.ts';
import { realClock } from '../../kube/clock.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { LOCALHOST } from '../hostServiceProxy.ts';
import type { ServiceTable } from '../serviceTable.ts';
import { RouteTable, backendOf, specOf, type BackendRef } from './routes.ts';
import { IngressCertificates, tlsHostMatches } from './tlsCertificates.ts';

export const INGRESS_CLASS = 'podlab';
export const INGRESS_CONTROLLER = 'podlab.dev/ingress-controller';
export const HTTP_PORT_ANNOTATION = 'podlab.dev/http-port';
export const HTTPS_PORT_ANNOTATION = 'podlab.dev/https-port';
const ingressesRef = { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses' };
const ingressClassesRef = { group: 'networking.k8s.io', version: 'v1', plural: 'ingressclasses' };

export interface IngressControllerOptions {
  client: KubeClient;
  table: ServiceTable;
  dial: (target: Target) => Promise<Socket>;
  events: EventRecorder;
  /** The port to try first (default 80); 0 takes any free port. */
  preferredHttpPort?: number;
  /** The HTTPS port to try first (default 443); 0 takes any free port. */
  preferredHttpsPort?: number;
  /** Where the default certificate is kept (the cluster's pki directory); without it, one is made at each start. */
  certificateDir?: string;
}

export class IngressController {
  private readonly ingresses = new Map<string, KubeObject>();
  private readonly informer: Informer<KubeObject>;
  private readonly roundRobin = new RoundRobin();
  private routes = new RouteTable([]);
  private readonly servers: Server[] = [];
  private readonly certificates: IngressCertificates;
  private readonly upgraded = new Set<Duplex>();
  /** `uid/resourceVersion/reason` already reported, so each change of an Ingress makes one event per problem. */
  private readonly reported = new Set<string>();
  private unsubscribe: (() => void) | undefined;
  httpPort = 0;
  httpsPort = 0;

  constructor(private readonly options: IngressControllerOptions) {
    this.certificates = new IngressCertificates(options.client, options.certificateDir);
    const store = (key: string, obj: KubeObject | undefined) => {
      if (obj) this.ingresses.set(key, obj);
      else this.ingresses.delete(key);
      this.refresh();
    };
    const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    this.informer = new Informer(
      options.client.resource(ingressesRef),
      { onAdd: (o) => store(key(o), o), onUpdate: (_old, o) => store(key(o), o), onDelete: (o) => store(key(o), undefined) },
      { clock: realClock, onError: (error, context) => console.error(`ingress controller: ${context}:`, error) },
      'ingresses',
    );
  }

  async start(): Promise<void> {
    const ingressClass = await this.ensureIngressClass();
    const remembered = (annotation: string) => Number(ingressClass.metadata.annotations?.[annotation] ?? 0);
    const http = createServer((req, res) => this.proxy(req, res, 'http'));
    this.httpPort = await this.listen(http, [this.options.preferredHttpPort ?? 80, remembered(HTTP_PORT_ANNOTATION), 0]);
    const https = keepAliveSafe(createHttpsServer({ ...this.certificates.fallback, SNICallback: (name, done) => this.certificateFor(name).then((c) => done(null, c), (e: Error) => done(e)) }, (req, res) => this.proxy(req, res, 'https')));
    this.httpsPort = await this.listen(https, [this.options.preferredHttpsPort ?? 443, remembered(HTTPS_PORT_ANNOTATION), 0]);
    for (const server of [http, https]) server.on('upgrade', (req, socket, head) => this.proxyUpgrade(req, socket, head));
    await this.rememberPorts(ingressClass);
    this.unsubscribe = this.options.table.onChange(() => this.refresh());
    await this.informer.start();
    this.refresh();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.informer.stop();
    for (const socket of this.upgraded) socket.destroy();
    await Promise.all(
      this.servers.map((server) => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        return closed;
      }),
    );
  }

  /** The Ingresses this controller serves: class `podlab`, by field or by the older annotation. */
  private served(): KubeObject[] {
    return [...this.ingresses.values()].filter((i) => (specOf(i).ingressClassName ?? i.metadata.annotations?.['kubernetes.io/ingress.class']) === INGRESS_CLASS);
  }

  private refresh(): void {
    const served = this.served();
    this.routes = new RouteTable(served);
    if (this.httpPort) for (const ingress of served) void this.sync(ingress);
  }

  /** Status and events of one Ingress: its address, and each backend whose Service is missing. */
  private async sync(ingress: KubeObject): Promise<void> {
    const { events, table } = this.options;
    const once = (reason: string, detail = '') => {
      const key = `${ingress.metadata.uid}/${ingress.metadata.resourceVersion}/${reason}/${detail}`;
      if (this.reported.has(key)) return false;
      this.reported.add(key);
      return true;
    };
    for (const backend of backendsOf(ingress)) {
      if (!table.get(backend.namespace, backend.service) && once('ServiceNotFound', backend.service)) {
        events.event(ingress, 'Warning', 'ServiceNotFound', `Service "${backend.namespace}/${backend.service}" not found: requests routed to it get 503 Service Unavailable`);
      }
    }
    const ports = [{ port: this.httpPort, protocol: 'TCP' }, ...(specOf(ingress).tls?.length ? [{ port: this.httpsPort, protocol: 'TCP' }] : [])];
    const wanted = [{ ip: LOCALHOST, ports }];
    const status = (ingress as { status?: { loadBalancer?: { ingress?: unknown[] } } }).status;
    if (JSON.stringify(status?.loadBalancer?.ingress ?? []) === JSON.stringify(wanted)) return;
    try {
      await this.options.client.resource(ingressesRef).updateStatus(ingress.metadata.namespace, { ...ingress, status: { ...status, loadBalancer: { ingress: wanted } } });
      if (once('Sync')) events.event(ingress, 'Normal', 'Sync', `Serving ${urlsOf(ingress, this.httpPort, this.httpsPort).join(', ')}`);
    } catch (error) {
      if (!isApiError(error, 'Conflict') && !isApiError(error, 'NotFound')) console.error('ingress controller: status:', error);
    }
  }

  private async ensureIngressClass(): Promise<KubeObject> {
    const classes = this.options.client.resource(ingressClassesRef);
    try {
      return await classes.get(undefined, INGRESS_CLASS);
    } catch (error) {
      if (!isApiError(error, 'NotFound')) throw error;
    }
    try {
      return await classes.create(undefined, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: INGRESS_CLASS, annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
        spec: { controller: INGRESS_CONTROLLER },
      });
    } catch (error) {
      if (!isApiError(error, 'AlreadyExists')) throw error;
      return classes.get(undefined, INGRESS_CLASS);
    }
  }

  /** The first of `ports` this machine lets the server listen on (the preferred one, the one chosen before, any). */
  private async listen(server: Server, ports: number[]): Promise<number> {
    for (const port of ports) {
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, LOCALHOST, () => {
            server.off('error', reject);
            resolve();
          });
        });
        this.servers.push(server);
        return (server.address() as { port: number }).port;
      } catch {
        // In use, or a privileged port this process may not bind: try the next.
      }
    }
    throw new Error('the ingress controller found no port to listen on');
  }

  private async rememberPorts(ingressClass: KubeObject): Promise<void> {
    const wanted = { [HTTP_PORT_ANNOTATION]: String(this.httpPort), [HTTPS_PORT_ANNOTATION]: String(this.httpsPort) };
    if (Object.entries(wanted).every(([k, v]) => ingressClass.metadata.annotations?.[k] === v)) return;
    await this.options.client
      .resource(ingressClassesRef)
      .patch(undefined, INGRESS_CLASS, 'application/merge-patch+json', { metadata: { annotations: wanted } })
      .catch((error) => console.error('ingress controller: remembering the ports:', error));
  }

  /** The certificate for a TLS handshake: the Secret an Ingress names for that host, else the default one. */
  private certificateFor(serverName: string) {
    return this.certificates.contextFor(this.served(), serverName, (ref, problem) => {
      const ingress = this.served().find((i) => i.metadata.namespace === ref.namespace && (specOf(i).tls ?? []).some((t) => t.secretName === ref.name && (t.hosts ?? []).some((h) => tlsHostMatches(h, serverName))));
      const key = `${ingress?.metadata.uid}/${ingress?.metadata.resourceVersion}/TLS/${problem}`;
      if (!ingress || this.reported.has(key)) return;
      this.reported.add(key);
      this.options.events.event(ingress, 'Warning', 'InvalidTLSSecret', `${problem}: HTTPS for ${serverName} uses the default certificate`);
    });
  }

  /** The ready endpoints of the backend's Service port, in round-robin order; a reason when there are none. */
  private targets(backend: BackendRef): { targets: Target[] } | { problem: string } {
    const service = this.options.table.get(backend.namespace, backend.service);
    if (!service) return { problem: `Service "${backend.namespace}/${backend.service}" not found` };
    const port = service.ports.find((p) => (typeof backend.port === 'number' ? p.port === backend.port : p.name === backend.port) && p.protocol === 'TCP');
    if (!port) return { problem: `Service "${backend.namespace}/${backend.service}" has no TCP port ${backend.port}` };
    const targets = this.roundRobin.order(`${service.uid}/${port.name}`, readyTargets(service, port));
    return targets.length ? { targets } : { problem: `Service "${backend.namespace}/${backend.service}" has no ready endpoints` };
  }

  private proxy(req: IncomingMessage, res: ServerResponse, proto: 'http' | 'https'): void {
    const backend = this.routes.match(req.headers.host ?? '', req.url ?? '/');
    if (!backend) return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('default backend - 404\n');
    const found = this.targets(backend);
    if ('problem' in found) return void res.writeHead(503, { 'Content-Type': 'text/plain' }).end(`503 Service Unavailable: ${found.problem}\n`);
    dialFirst(found.targets, this.options.dial).then(
      (socket) => {
        const upstream = httpRequest({ createConnection: () => socket, method: req.method, path: req.url, headers: forwardedHeaders(req, proto) }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.rawHeaders as unknown as Record<string, string>);
          answer.pipe(res);
        });
        upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502, { 'Content-Type': 'text/plain' }).end('502 Bad Gateway\n')));
        req.pipe(upstream);
      },
      () => res.writeHead(502, { 'Content-Type': 'text/plain' }).end(`502 Bad Gateway: no endpoint of Service "${backend.namespace}/${backend.service}" answered\n`),
    );
  }

  /** WebSocket and other upgrades: the request line and headers go first, then the two sockets are spliced. */
  private proxyUpgrade(req: IncomingMessage, client: Duplex, head: Buffer): void {
    client.on('error', () => client.destroy());
    const backend = this.routes.match(req.headers.host ?? '', req.url ?? '/');
    const found = backend ? this.targets(backend) : undefined;
    if (!found || 'problem' in found) return void client.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
    this.upgraded.add(client);
    client.once('close', () => this.upgraded.delete(client));
    dialFirst(found.targets, this.options.dial).then(
      (socket) => {
        const headers = forwardedHeaders(req, 'encrypted' in req.socket ? 'https' : 'http');
        const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((one) => `${k}: ${one}`)), '', ''];
        socket.write(lines.join('\r\n'));
        if (head.length) socket.write(head);
        splice(client as Socket, socket);
      },
      () => client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n'),
    );
  }
}

function forwardedHeaders(req: IncomingMessage, proto: 'http' | 'https'): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(req.headers)) if (value !== undefined) headers[key] = value;
  const peer = req.socket.remoteAddress ?? LOCALHOST;
  headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${peer}` : peer;
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = proto;
  headers['x-real-ip'] = peer;
  return headers;
}

function backendsOf(ingress: KubeObject): BackendRef[] {
  const spec = specOf(ingress);
  const all = [spec.defaultBackend, ...(spec.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).map((path) => path.backend))];
  return all.map((backend) => backendOf(ingress, backend)).filter((ref): ref is BackendRef => ref !== undefined);
}

/** The URLs an Ingress answers on, for its Sync event: `http://hello.localhost:8080/`, `https://` for its TLS hosts. */
export function urlsOf(ingress: KubeObject, httpPort: number, httpsPort = 443): string[] {
  const spec = specOf(ingress);
  const hosts = [...new Set((spec.rules ?? []).map((r) => r.host || '127.0.0.1'))];
  return (hosts.length ? hosts : ['127.0.0.1']).map((host) => {
    const secure = (spec.tls ?? []).some((t) => (t.hosts ?? []).some((h) => tlsHostMatches(h, host)));
    const port = secure ? httpsPort : httpPort;
    const suffix = port === (secure ? 443 : 80) ? '' : `:${port}`;
    const shown = host.startsWith('*.') ? `anything${host.slice(1)}` : host;
    return `${secure ? 'https' : 'http'}://${shown}${suffix}/`;
  });
}
