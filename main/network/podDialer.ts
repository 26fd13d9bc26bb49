// Connecting from the host to an address on the cluster network, which the
// host never reaches directly (Docker Desktop could not): a pod port the pod
// declares is published on 127.0.0.1 by its sandbox, so that is used; any
// other port (or a hostNetwork pod, or the add-on itself) goes through the
// add-on's tunnel. The sandboxes' published ports are read from the engine,
// briefly cached: a lookup per connection would cost an engine round trip.

import type Docker from 'dockerode';
import { connect, type Socket } from 'node:net';
import { CONNECT_TIMEOUT_MS, dialTcp } from '../addon/splice.ts';
import { encodeTunnelRequest, readLine } from '../addon/tunnelProtocol.ts';
import { engineCall } from '../runtime/docker/engine.ts';
import { labelFilters } from '../runtime/docker/labels.ts';
import { CONTAINER_TYPE_SANDBOX, LABEL_CLUSTER, LABEL_CONTAINER_TYPE } from '../runtime/runtime.ts';
import { findAddonContainer } from './addonContainer.ts';
import { clusterNetworkName } from './clusterNetwork.ts';

const CACHE_MS = 1000;

export interface PodAddress {
  address: string;
  port: number;
}

/** The tunnel worked; the address behind it did not answer. */
export class UnreachableTarget extends Error {}

export type Route = { via: 'published'; hostPort: number } | { via: 'tunnel' };

export class PodDialer {
  /** pod IP → container port → host port on 127.0.0.1 */
  private published = new Map<string, Map<number, number>>();
  private readAt = 0;
  private reading: Promise<void> | undefined;
  private tunnel: { port: number; token: string } | undefined;

  constructor(
    private readonly docker: Docker,
    private readonly cluster: string,
  ) {}

  /** A connection to `target`, half-open allowed (see splice). */
  async dial(target: PodAddress): Promise<Socket> {
    const route = await this.route(target);
    if (route.via === 'tunnel') return this.dialTunnel(target);
    try {
      return await dialTcp({ address: '127.0.0.1', port: route.hostPort });
    } catch (error) {
      // The cached port may belong to a pod that is gone, its IP now another pod's: read again.
      const fresh = await this.route(target, 'now');
      if (fresh.via === 'tunnel') return this.dialTunnel(target);
      if (fresh.hostPort === route.hostPort) throw error;
      return dialTcp({ address: '127.0.0.1', port: fresh.hostPort });
    }
  }

  /** How a connection to `target` would go; `now` reads the engine whatever the cache holds. */
  async route(target: PodAddress, read: 'cached' | 'now' = 'cached'): Promise<Route> {
    let hostPort = await this.lookup(target, read === 'now' ? 0 : CACHE_MS);
    // A pod started since the last read is not in the cache yet.
    if (hostPort === undefined && read === 'cached') hostPort = await this.lookup(target, CACHE_MS / 5);
    return hostPort === undefined ? { via: 'tunnel' } : { via: 'published', hostPort };
  }

  /** The published port, from a read of the engine at most `maxAgeMs` old. */
  private async lookup(target: PodAddress, maxAgeMs: number): Promise<number | undefined> {
    if (Date.now() - this.readAt > maxAgeMs || this.reading) {
      this.reading ??= this.readPublished().finally(() => (this.reading = undefined));
      await this.reading;
    }
    return this.published.get(target.address)?.get(target.port);
  }

  private async readPublished(): Promise<void> {
    const network = clusterNetworkName(this.cluster);
    const sandboxes = await engineCall('list sandboxes', () =>
      this.docker.listContainers({
        filters: JSON.stringify({ status: ['running'], label: labelFilters({ [LABEL_CLUSTER]: this.cluster, [LABEL_CONTAINER_TYPE]: CONTAINER_TYPE_SANDBOX }) }),
      }),
    );
    const published = new Map<string, Map<number, number>>();
    for (const sandbox of sandboxes) {
      const ip = sandbox.NetworkSettings?.Networks?.[network]?.IPAddress;
      if (!ip) continue;
      const ports = new Map<number, number>();
      for (const port of sandbox.Ports ?? []) {
        if (port.Type === 'tcp' && port.IP === '127.0.0.1' && port.PublicPort) ports.set(port.PrivatePort, port.PublicPort);
      }
      published.set(ip, ports);
    }
    this.published = published;
    this.readAt = Date.now();
  }

  private async dialTunnel(target: PodAddress): Promise<Socket> {
    try {
      return await this.openTunnel(target, await this.tunnelEndpoint());
    } catch (error) {
      // The add-on may have been recreated (new port and token): look again once.
      if (error instanceof UnreachableTarget || !this.tunnel) throw error;
      this.tunnel = undefined;
      return this.openTunnel(target, await this.tunnelEndpoint());
    }
  }

  private async tunnelEndpoint(): Promise<{ port: number; token: string }> {
    if (this.tunnel) return this.tunnel;
    const addon = await findAddonContainer(this.docker, this.cluster);
    if (!addon?.running || !addon.tunnelPort) throw new Error(`the cluster add-on of ${this.cluster} is not running: ports a pod does not declare cannot be reached`);
    this.tunnel = { port: addon.tunnelPort, token: addon.tunnelToken };
    return this.tunnel;
  }

  private openTunnel(target: PodAddress, tunnel: { port: number; token: string }): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: tunnel.port, allowHalfOpen: true });
      socket.setTimeout(CONNECT_TIMEOUT_MS * 2, () => socket.destroy(new Error(`the tunnel to ${target.address}:${target.port} timed out`)));
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.write(encodeTunnelRequest({ token: tunnel.token, address: target.address, port: target.port }));
        readLine(socket).then(
          (line) => {
            socket.setTimeout(0);
            socket.off('error', reject);
            if (line === 'OK') return resolve(socket);
            socket.destroy();
            const reason = line.replace(/^ERR /, '');
            reject(reason === 'wrong tunnel token' ? new Error(reason) : new UnreachableTarget(`${target.address}:${target.port}: ${reason}`));
          },
          (error: Error) => {
            socket.destroy();
            reject(error);
          },
        );
      });
    });
  }
}
