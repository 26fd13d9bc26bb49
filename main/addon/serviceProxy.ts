// ClusterIP traffic: one listener per ClusterIP:port (TCP, and UDP), bound
// once the address is held. A connection is sent to a ready endpoint chosen
// at that moment from the latest configuration, so endpoint changes apply to
// the next connection without rebinding; removed Services stop accepting,
// while connections already open run on (as conntrack keeps them).
// NetworkPolicies are checked per connection: only endpoints the client's
// egress and the endpoint's ingress allow are candidates, and a connection
// no policy lets through is dropped, as a dropped SYN is: never answered.

import { createServer, type Server, type Socket } from 'node:net';
import { RoundRobin, readyTargets, type Target } from './backends.ts';
import type { AddonService, AddonServicePort } from './config.ts';
import { connectionAllowed, type PolicyTable } from './policy.ts';
import { dialFirst, dialTcp, splice } from './splice.ts';
import { UdpRelay } from './udpRelay.ts';

interface Route {
  service: AddonService;
  port: AddonServicePort;
}

type Listener = { kind: 'tcp'; server: Server } | { kind: 'udp'; relay: UdpRelay };

export class ServiceProxy {
  private readonly routes = new Map<string, Route>();
  private readonly listeners = new Map<string, Listener>();
  private readonly starting = new Set<string>();
  private readonly roundRobin = new RoundRobin();
  private policies: PolicyTable = {};

  /**
   * Applies a configuration: `held` are the addresses this container has now;
   * `reserved` says which address:port/protocol something else answers (DNS).
   */
  update(services: AddonService[], held: Set<string>, reserved: (address: string, port: number, protocol: string) => boolean, policies: PolicyTable = {}): void {
    this.policies = policies;
    this.routes.clear();
    for (const service of services) {
      const ip = service.clusterIP;
      if (!ip || !held.has(ip)) continue;
      for (const port of service.ports) {
        if (port.protocol === 'SCTP' || reserved(ip, port.port, port.protocol)) continue;
        this.routes.set(listenerKey(ip, port.port, port.protocol), { service, port });
      }
    }
    this.roundRobin.retain(new Set(this.routes.keys()));
    for (const [key, listener] of this.listeners) {
      if (this.routes.has(key)) continue;
      this.listeners.delete(key);
      if (listener.kind === 'tcp') listener.server.close();
      else listener.relay.close();
    }
    for (const [key, route] of this.routes) {
      if (!this.listeners.has(key) && !this.starting.has(key)) void this.listen(key, route);
    }
  }

  /** The endpoints to try for a new connection, in order. */
  private targets(key: string): Target[] {
    const route = this.routes.get(key);
    return route ? this.roundRobin.order(key, readyTargets(route.service, route.port)) : [];
  }

  /** The endpoints `client` may reach, in order; `denied` when there are endpoints but policies allow none. */
  private allowedTargets(key: string, client: string): { targets: Target[]; denied: boolean } {
    const protocol = this.routes.get(key)?.port.protocol ?? 'TCP';
    const all = this.targets(key);
    const targets = all.filter((t) => connectionAllowed(this.policies, client, t.address, t.port, protocol));
    return { targets, denied: all.length > 0 && targets.length === 0 };
  }

  private async listen(key: string, route: Route): Promise<void> {
    const ip = route.service.clusterIP!;
    this.starting.add(key);
    try {
      const listener: Listener =
        route.port.protocol === 'UDP'
          ? { kind: 'udp', relay: await UdpRelay.bind(ip, route.port.port, (client) => this.allowedTargets(key, client).targets) }
          : { kind: 'tcp', server: await this.listenTcp(key, ip, route.port.port) };
      // The Service may have gone while the listener was starting.
      if (this.routes.has(key)) this.listeners.set(key, listener);
      else if (listener.kind === 'tcp') listener.server.close();
      else listener.relay.close();
    } catch (error) {
      console.error(`proxy: cannot listen on ${key} for ${route.service.namespace}/${route.service.name}: ${(error as Error).message}`);
    } finally {
      this.starting.delete(key);
    }
  }

  private listenTcp(key: string, ip: string, port: number): Promise<Server> {
    const server = createServer({ allowHalfOpen: true }, (client) => this.connect(key, client));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, ip, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  private connect(key: string, client: Socket): void {
    client.on('error', () => client.destroy());
    const { targets, denied } = this.allowedTargets(key, client.remoteAddress ?? '');
    if (denied) {
      // A NetworkPolicy drops it: no answer, as a dropped SYN gets, until the client gives up.
      client.pause();
      setTimeout(() => client.destroy(), DROPPED_CONNECTION_MS).unref();
      return;
    }
    // No ready endpoint: refuse, as kube-proxy's REJECT rule does.
    if (targets.length === 0) {
      client.resetAndDestroy();
      return;
    }
    client.pause();
    dialFirst(targets, dialTcp).then(
      (upstream) => splice(client, upstream),
      () => client.resetAndDestroy(),
    );
  }

  close(): void {
    this.routes.clear();
    for (const listener of this.listeners.values()) {
      if (listener.kind === 'tcp') listener.server.close();
      else listener.relay.close();
    }
    this.listeners.clear();
  }
}

/** How long a dropped connection is held before the add-on lets go of it. */
const DROPPED_CONNECTION_MS = 120_000;

function listenerKey(ip: string, port: number, protocol: string): string {
  return `${ip}:${port}/${protocol}`;
}
