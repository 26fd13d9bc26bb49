// The cluster add-on: one container per cluster on the pod network, run by a
// stock Node.js image from this file bundled on its own. It answers DNS for
// the cluster domain, holds every ClusterIP and proxies them to ready
// endpoints, and offers the host a tunnel to the cluster network. All it
// knows comes from the configuration file the main process writes into it.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AddressManager } from './addresses.ts';
import { ADDON_APPLIED_FILE, ADDON_CONFIG_FILE, ADDON_DIR, ADDON_TUNNEL_PORT, ADDON_TUNNEL_TOKEN_ENV, type AddonConfig } from './config.ts';
import { watchConfig } from './configFile.ts';
import { ClusterZone } from './dns/clusterZone.ts';
import { DnsServer } from './dns/server.ts';
import { ServiceProxy } from './serviceProxy.ts';
import { startTunnel } from './tunnel.ts';

const DNS_PORT = 53;
const RETRY_MS = 2000;

class Addon {
  private config: AddonConfig | undefined;
  private zone = new ClusterZone({ clusterDomain: 'cluster.local', services: [] });
  private readonly addresses = new AddressManager();
  private readonly proxy = new ServiceProxy();
  private dns: { ip: string; server: DnsServer } | undefined;
  private applying = Promise.resolve();
  private retry: NodeJS.Timeout | undefined;

  receive(config: AddonConfig): void {
    this.config = config;
    this.zone = new ClusterZone(config);
    this.applying = this.applying.then(() => this.apply()).catch((error: Error) => console.error(`apply: ${error.message}`));
  }

  private async apply(): Promise<void> {
    const config = this.config;
    if (!config) return;
    clearTimeout(this.retry);
    const wanted = new Set([config.dnsIP, ...config.services.flatMap((s) => (s.clusterIP ? [s.clusterIP] : []))]);
    const held = await this.addresses.sync(config.subnet, wanted);
    await this.serveDns(config.dnsIP, held);
    this.proxy.update(config.services, held, (ip, port) => ip === config.dnsIP && port === DNS_PORT, config.policies ?? {});
    if (held.size < wanted.size) {
      this.retry = setTimeout(() => (this.applying = this.applying.then(() => this.apply())), RETRY_MS);
    }
    // A newer configuration may have arrived meanwhile; it records itself when applied.
    if (config === this.config) {
      await writeFile(join(ADDON_DIR, ADDON_APPLIED_FILE), `${config.generation}\n`);
      console.log(`applied generation ${config.generation}: ${config.services.length} services, ${held.size} addresses`);
    }
  }

  private async serveDns(ip: string, held: Set<string>): Promise<void> {
    if (this.dns?.ip === ip || !held.has(ip)) return;
    await this.dns?.server.close();
    const server = new DnsServer(() => ({ zone: this.zone, upstream: this.config?.upstreamDns ?? [] }));
    await server.listen(ip, DNS_PORT);
    this.dns = { ip, server };
  }

  subnet(): string | undefined {
    return this.config?.subnet;
  }
}

const token = process.env[ADDON_TUNNEL_TOKEN_ENV];
if (!token) {
  console.error(`${ADDON_TUNNEL_TOKEN_ENV} is not set`);
  process.exit(2);
}
const addon = new Addon();
await startTunnel(ADDON_TUNNEL_PORT, token, () => addon.subnet());
watchConfig(join(ADDON_DIR, ADDON_CONFIG_FILE), (config) => addon.receive(config));
// As PID 1 the process gets no default signal handling: stop at once on `docker stop`.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
console.log('podlab add-on started');
