// NodePort and LoadBalancer Services on this machine, as Docker Desktop's
// Kubernetes offers them: a NodePort answers on 127.0.0.1:<nodePort>, a
// LoadBalancer also on 127.0.0.1:<port> with `127.0.0.1` as its ingress in
// status. Each connection goes to a ready endpoint, taken in turn, through
// the pod's published port or the add-on's tunnel (see PodDialer).
//
// A port something else holds is never silently moved: the Service gets a
// Warning event, the LoadBalancer stays <pending>, and the port is tried
// again until it is free. Two Services wanting one host port: the older one
// gets it. TCP only: UDP NodePorts are reachable inside the cluster only.

import type { Socket } from 'node:net';
import { createServer, type Server } from 'node:net';
import { RoundRobin, readyTargets, type Target } from '../addon/backends.ts';
import { dialFirst, splice } from '../addon/splice.ts';
import type { EventRecorder } from '../kube/client/eventRecorder.ts';
import type { KubeClient } from '../kube/client/types.ts';
import type { ServicePortView, ServiceTable, ServiceView } from './serviceTable.ts';

export const LOCALHOST = '127.0.0.1';
export const REASON_PORT_IN_USE = 'PortInUse';
export const REASON_FAILED_TO_LISTEN = 'FailedToListen';
const RETRY_MS = 5000;

export interface HostServiceProxyOptions {
  client: KubeClient;
  table: ServiceTable;
  dial: (target: Target) => Promise<Socket>;
  events: EventRecorder;
  retryMs?: number;
}

/** Who answers on one host port: a Service port, as a NodePort or as a LoadBalancer port. */
interface Claim {
  namespace: string;
  name: string;
  uid: string;
  port: ServicePortView;
  as: 'NodePort' | 'LoadBalancer';
  created: string;
}

interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
}

export class HostServiceProxy {
  private readonly listeners = new Map<number, Server>();
  private claims = new Map<number, Claim>();
  private readonly starting = new Set<number>();
  /** `uid/port/reason` of failures already reported, so a retried port makes one event, not one per retry. */
  private readonly reported = new Set<string>();
  private readonly roundRobin = new RoundRobin();
  private retryTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private reconciling: Promise<void> = Promise.resolve();

  constructor(private readonly options: HostServiceProxyOptions) {}

  start(): Promise<void> {
    this.unsubscribe = this.options.table.onChange(() => void this.reconcile());
    return this.reconcile();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.retryTimer);
    await this.reconciling;
    await Promise.all([...this.listeners.values()].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    this.listeners.clear();
  }

  /** Brings listeners and LoadBalancer statuses in line with the Services; serialized. */
  reconcile(): Promise<void> {
    this.reconciling = this.reconciling.then(() => this.reconcileNow()).catch((error) => console.error('host service proxy:', error));
    return this.reconciling;
  }

  private async reconcileNow(): Promise<void> {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const services = this.options.table.list();
    this.claims = claimsOf(services, (service, port, winner) => this.reportConflict(service, port, winner));
    for (const [port, server] of this.listeners) {
      if (this.claims.has(port)) continue;
      this.listeners.delete(port);
      server.close();
    }
    const failures: Array<Promise<void>> = [];
    for (const [port, claim] of this.claims) {
      if (this.listeners.has(port) || this.starting.has(port)) continue;
      failures.push(this.listen(port, claim));
    }
    await Promise.all(failures);
    const wanted = new Set(services.flatMap((s) => s.ports.flatMap((p) => [p.nodePort, s.type === 'LoadBalancer' ? p.port : undefined].map((port) => `${s.uid}/${port}`))));
    for (const key of [...this.reported]) if (!this.stillFailing(key, wanted)) this.reported.delete(key);
    await Promise.all(services.filter((s) => s.type === 'LoadBalancer').map((s) => this.updateIngress(s)));
    const unbound = [...this.claims.keys()].some((port) => !this.listeners.has(port));
    if (unbound && !this.stopped) this.retryTimer = setTimeout(() => void this.reconcile(), this.options.retryMs ?? RETRY_MS);
  }

  private async listen(port: number, claim: Claim): Promise<void> {
    this.starting.add(port);
    const server = createServer({ allowHalfOpen: true }, (client) => this.forward(port, client));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, LOCALHOST, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.listeners.set(port, server);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'EADDRINUSE' ? REASON_PORT_IN_USE : REASON_FAILED_TO_LISTEN;
      const what = `${LOCALHOST}:${port}/TCP for ${describePort(claim)}`;
      const message =
        code === 'EADDRINUSE'
          ? `Port ${what} is already in use on this machine; the Service is not reachable there until that port is free (PodLab keeps trying)`
          : `Cannot listen on ${what}: ${(error as Error).message}`;
      this.report(claim, port, reason, message);
    } finally {
      this.starting.delete(port);
    }
  }

  private forward(port: number, client: Socket): void {
    client.on('error', () => client.destroy());
    const claim = this.claims.get(port);
    const service = claim && this.options.table.get(claim.namespace, claim.name);
    const servicePort = service?.ports.find((p) => p.name === claim!.port.name && p.protocol === claim!.port.protocol);
    const targets = service && servicePort ? this.roundRobin.order(`${service.uid}/${servicePort.name}`, readyTargets(service, servicePort)) : [];
    if (targets.length === 0) {
      client.resetAndDestroy();
      return;
    }
    client.pause();
    dialFirst(targets, this.options.dial).then(
      (upstream) => splice(client, upstream),
      () => client.resetAndDestroy(),
    );
  }

  private reportConflict(service: Claim, port: number, winner: Claim): void {
    const message = `Port ${LOCALHOST}:${port}/TCP for ${describePort(service)} is already used by ${describePort(winner)} of Service ${winner.namespace}/${winner.name}`;
    this.report(service, port, REASON_PORT_IN_USE, message);
  }

  private report(claim: Claim, port: number, reason: string, message: string): void {
    const key = `${claim.uid}/${port}/${reason}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const service = this.options.table.get(claim.namespace, claim.name)?.object;
    if (service) this.options.events.event(service, 'Warning', reason, message);
  }

  /** A reported failure whose Service still wants the port (`wanted`: `uid/port`) and does not have it. */
  private stillFailing(key: string, wanted: Set<string>): boolean {
    const [uid, port] = key.split('/');
    const holds = this.listeners.has(Number(port)) && this.claims.get(Number(port))?.uid === uid;
    return wanted.has(`${uid}/${port}`) && !holds;
  }

  private async updateIngress(service: ServiceView): Promise<void> {
    const ports = service.ports.filter((p) => p.protocol === 'TCP');
    const serving = ports.length > 0 && ports.every((p) => this.claims.get(p.port)?.uid === service.uid && this.listeners.has(p.port));
    const wanted: LoadBalancerIngress[] = serving ? [{ ip: LOCALHOST }] : [];
    const current = ((service.object.status as { loadBalancer?: { ingress?: LoadBalancerIngress[] } } | undefined)?.loadBalancer?.ingress ?? []) as LoadBalancerIngress[];
    if (current.map((i) => i.ip ?? i.hostname).join(',') === wanted.map((i) => i.ip).join(',')) return;
    const services = this.options.client.resource({ group: '', version: 'v1', plural: 'services' });
    try {
      await services.patch(service.namespace, service.name, 'application/merge-patch+json', { status: { loadBalancer: { ingress: wanted } } }, 'status');
    } catch (error) {
      console.error(`host service proxy: updating the status of ${service.namespace}/${service.name} failed:`, (error as Error).message);
    }
  }
}

/** Host ports wanted by NodePort and LoadBalancer Services; contested ports go to the oldest Service. */
export function claimsOf(services: ServiceView[], onConflict: (loser: Claim, port: number, winner: Claim) => void = () => undefined): Map<number, Claim> {
  const wanted: Array<[number, Claim]> = [];
  for (const service of services) {
    if (service.type !== 'NodePort' && service.type !== 'LoadBalancer') continue;
    const base = { namespace: service.namespace, name: service.name, uid: service.uid, created: service.object.metadata.creationTimestamp ?? '' };
    for (const port of service.ports) {
      if (port.protocol !== 'TCP') continue;
      if (port.nodePort) wanted.push([port.nodePort, { ...base, port, as: 'NodePort' }]);
      if (service.type === 'LoadBalancer') wanted.push([port.port, { ...base, port, as: 'LoadBalancer' }]);
    }
  }
  wanted.sort(([, a], [, b]) => a.created.localeCompare(b.created) || `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  const claims = new Map<number, Claim>();
  for (const [port, claim] of wanted) {
    const winner = claims.get(port);
    if (!winner) claims.set(port, claim);
    else if (winner.uid !== claim.uid) onConflict(claim, port, winner);
  }
  return claims;
}

function describePort(claim: Pick<Claim, 'port' | 'as'>): string {
  const name = claim.port.name ? `port "${claim.port.name}"` : `port ${claim.port.port}`;
  return claim.as === 'NodePort' ? `the node port of ${name}` : `load balancer ${name}`;
}
