// A cluster's networking on Docker, started as one component: the kube-dns
// Service and the Service table (from the API alone, so the kubelets learn
// their DNS settings whatever the engine's state), then on the engine the
// cluster network, the API server's gateway listener, the add-on container
// (DNS, ClusterIPs, tunnel) fed with every Service and its endpoints, and the
// host service proxy (NodePorts, LoadBalancers on 127.0.0.1). When the engine
// does not answer, the engine part is tried again until it does, as the node
// manager waits for its nodes.
//
// Stopping it stops what runs in PodLab's process; the add-on keeps running
// so pods keep resolving names, and a restarted PodLab adopts it
// (`removeAddonContainer` is for deleting the cluster).

import type Docker from 'dockerode';
import type { EndpointDialer } from '../apiserver/admission/webhook/webhookCall.ts';
import { realClock, type Clock, type Timer } from '../kube/clock.ts';
import { EventRecorder } from '../kube/client/eventRecorder.ts';
import type { KubeClient } from '../kube/client/types.ts';
import { dockerClient } from '../runtime/docker/engine.ts';
import type { DnsConfig } from '../runtime/runtime.ts';
import { ensureAddonContainer, findAddonContainer, type AddonContainer } from './addonContainer.ts';
import { AddonSync } from './addonSync.ts';
import { startApiGateway } from './apiGateway.ts';
import { CLUSTER_DOMAIN, ensureDnsService, podDnsConfig } from './clusterDns.ts';
import { ensureClusterNetwork, planAddresses, type ClusterNetwork } from './clusterNetwork.ts';
import { IngressController } from './ingress/ingressController.ts';
import { PolicyEnforcer } from './policy/policyEnforcer.ts';
import { HostServiceProxy } from './hostServiceProxy.ts';
import { ensureKubernetesEndpoints } from './kubernetesEndpoints.ts';
import { isIPv4 } from '../addon/ipv4.ts';
import { PodDialer } from './podDialer.ts';
import { ServiceTable } from './serviceTable.ts';
import { ServiceProxyJourney } from './serviceProxyJourney.ts';
import type { JourneyRecorder } from '../kube/trace/journeyRecorder.ts';

/** What networking needs of a Cluster (cluster.ts's Cluster fits). */
export interface NetworkedCluster {
  readonly name: string;
  readonly settings: { subnet: string; apiPort: number };
  client(component: string): KubeClient;
  own(component: { name: string; stop(): Promise<void> | void }): void;
  /** Its API server, which reaches webhooks behind Services through this networking's dialer. */
  readonly apiServer?: { clusterDialer: EndpointDialer | undefined };
}

export interface NetworkingOptions {
  docker?: Docker;
  /** Added to the labels of the network and the add-on (tests mark what they create). */
  labels?: Record<string, string>;
  /**
   * Resolvers for names outside cluster.local. Empty (the default): those
   * names get NXDOMAIN and no query leaves the cluster. On users' machines
   * pass [DOCKER_EMBEDDED_DNS]: Docker's resolver in the add-on's network
   * namespace, which answers with the host's.
   */
  upstreamDns?: string[];
  addonImage?: string;
  /** The cluster's pod journeys: the service proxy records taking a pod's address in. */
  journeys?: JourneyRecorder;
  /** How long to wait before trying the engine part again. */
  retryMs?: number;
  /** What the retries wait on (default: real time). */
  clock?: Clock;
  /** How often to check that the add-on still runs. */
  addonCheckMs?: number;
  onError?: (error: unknown) => void;
  /** The port the ingress controller tries first (default 80; 0: any free port, for tests). */
  ingressHttpPort?: number;
  /** Its HTTPS port to try first (default 443; 0: any free port). */
  ingressHttpsPort?: number;
  /** Where the ingress controller keeps its default certificate (the cluster's pki directory). */
  ingressCertificateDir?: string;
  /**
   * The start's own engine work (the cluster network, and a new cluster's node
   * containers): the engine side waits for it, so the add-on does not compete
   * with the node containers for the engine. Settled either way, it goes on.
   */
  engineWorkBefore?: Promise<unknown>;
}

const ADDON_CHECK_MS = 10_000;

/** Docker's embedded DNS server, inside every container on a user-defined network. */
export const DOCKER_EMBEDDED_DNS = '127.0.0.11';

/** The kubelet's cluster DNS settings (its `clusterDNS` and `clusterDomain`). */
export interface ClusterDnsSettings {
  clusterDNS: string[];
  clusterDomain: string;
}

/** What runs once the engine answered. */
interface EngineSide {
  network: ClusterNetwork;
  addon: AddonContainer;
  sync: AddonSync;
}

export class Networking {
  readonly name = 'networking';
  /** For the kubelet: where ClusterFirst pods send their queries. */
  readonly dns: ClusterDnsSettings;
  /** Connects from the host to a pod address (published port, else the add-on's tunnel). */
  readonly dialer: PodDialer;
  /** Where the ingress controller listens on 127.0.0.1 (0 until the engine side has started). */
  ingressHttpPort = 0;
  ingressHttpsPort = 0;
  private engine: EngineSide | undefined;
  private readonly up: Promise<EngineSide>;
  private markUp!: (engine: EngineSide) => void;
  private readonly stops: Array<() => Promise<void> | void> = [];
  private retryTimer: Timer | undefined;
  private stopped = false;
  private reviving = false;
  private lastError = { line: '', at: 0 };

  private constructor(
    private readonly cluster: NetworkedCluster,
    private readonly options: NetworkingOptions,
    private readonly docker: Docker,
    private readonly client: KubeClient,
    readonly services: ServiceTable,
    dnsIP: string,
  ) {
    this.dns = { clusterDNS: [dnsIP], clusterDomain: CLUSTER_DOMAIN };
    this.dialer = new PodDialer(docker, cluster.name);
    this.up = new Promise((resolve) => (this.markUp = resolve));
  }

  /** Resolves after the first try on the engine: with a working engine, everything runs by then. */
  static async start(cluster: NetworkedCluster, options: NetworkingOptions = {}): Promise<Networking> {
    const { networking, firstTry } = await Networking.begin(cluster, options);
    await firstTry;
    return networking;
  }

  /**
   * Resolves once the DNS Service and the Service table are there (the
   * kubelets need the DNS address); the engine side (network, add-on, host
   * proxy) goes on in `firstTry`, so node containers can start meanwhile.
   */
  static async begin(cluster: NetworkedCluster, options: NetworkingOptions = {}): Promise<{ networking: Networking; firstTry: Promise<void> }> {
    const client = cluster.client('system:kube-proxy');
    const dnsIP = await ensureDnsService(client, planAddresses(cluster.settings.subnet).serviceRange);
    const services = new ServiceTable(client);
    await services.start();
    const networking = new Networking(cluster, options, options.docker ?? dockerClient(), client, services, dnsIP);
    networking.stops.push(() => services.stop());
    const apiServer = cluster.apiServer;
    if (apiServer) {
      // Webhooks named by a Service: the API server reaches the endpoint's pod as the host reaches any pod.
      apiServer.clusterDialer = ({ host, port }) => networking.dialer.dial({ address: host, port });
      networking.stops.push(() => (apiServer.clusterDialer = undefined));
    }
    cluster.own(networking);
    const tryEngine = () => (networking.stopped ? undefined : networking.attempt());
    return { networking, firstTry: options.engineWorkBefore ? options.engineWorkBefore.then(tryEngine, tryEngine) : networking.attempt() };
  }

  get network(): ClusterNetwork | undefined {
    return this.engine?.network;
  }

  get addon(): AddonContainer | undefined {
    return this.engine?.addon;
  }

  /** resolv.conf settings for a ClusterFirst pod in `namespace`. */
  podDnsConfig(namespace: string): DnsConfig {
    return podDnsConfig(namespace, this.dns.clusterDNS[0]!);
  }

  /** Resolves once the add-on has applied every Service and endpoint change made before the call. */
  async addonSettled(timeoutMs = 15_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`cluster networking is not up after ${timeoutMs} ms`)), timeoutMs)));
    try {
      const engine = await Promise.race([this.up, timeout]);
      await this.services.caughtUp(timeoutMs);
      await engine.sync.applied(timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retryTimer?.cancel();
    for (const stop of this.stops.splice(0).reverse()) await stop();
  }

  /** One try at the engine part; a failed one schedules the next. */
  private async attempt(): Promise<void> {
    try {
      const engine = await this.startEngineSide();
      this.engine = engine;
      this.markUp(engine);
    } catch (error) {
      if (this.stopped) return;
      this.reportError(error);
      this.retryTimer = (this.options.clock ?? realClock).setTimeout(() => void this.attempt(), this.options.retryMs ?? 5000);
    }
  }

  /**
   * Brings the add-on back when someone stopped or removed it (`docker rm
   * -f`): pods' DNS and Services depend on it, and nothing else would notice.
   */
  private async reviveAddon(): Promise<void> {
    const engine = this.engine;
    if (!engine || this.reviving || this.stopped) return;
    this.reviving = true;
    try {
      const found = await findAddonContainer(this.docker, this.cluster.name);
      if (found?.running && found.id === engine.addon.id) return;
      const addon = await ensureAddonContainer(this.docker, this.addonOptions());
      engine.addon = addon;
      await engine.sync.retarget(addon.id);
    } catch (error) {
      this.reportError(error);
    } finally {
      this.reviving = false;
    }
  }

  private addonOptions() {
    return { cluster: this.cluster.name, labels: this.options.labels ?? {}, ...(this.options.addonImage ? { image: this.options.addonImage } : {}) };
  }

  /** The same failure every retry (an engine that is down) is printed once a minute, not every few seconds. */
  private reportError(error: unknown): void {
    if (this.options.onError) return this.options.onError(error);
    const line = `podlab: networking: ${(error as Error)?.message ?? String(error)}`;
    if (line === this.lastError.line && Date.now() - this.lastError.at < 60_000) return;
    this.lastError = { line, at: Date.now() };
    process.stderr.write(`${line}\n`);
  }

  /** Everything that needs the engine; undone in reverse when a step fails, so a retry starts clean. */
  private async startEngineSide(): Promise<EngineSide> {
    const { cluster, options, docker, client, services } = this;
    const started: Array<() => Promise<void> | void> = [];
    try {
      const network = await ensureClusterNetwork(docker, { cluster: cluster.name, subnet: cluster.settings.subnet, labels: options.labels ?? {} });
      const gateway = await startApiGateway(docker, network.gateway, cluster.settings.apiPort);
      started.push(() => gateway.stop());
      if (gateway.unavailable) this.reportError(new Error(gateway.unavailable));
      else if (isIPv4(gateway.address)) await ensureKubernetesEndpoints(client, gateway.address, gateway.port);
      const addon = await ensureAddonContainer(docker, this.addonOptions());
      const settings = { subnet: network.subnet, dnsIP: this.dns.clusterDNS[0]!, clusterDomain: CLUSTER_DOMAIN, upstreamDns: options.upstreamDns ?? [], apiServer: { address: gateway.address, port: gateway.port } };
      const sync = new AddonSync(docker, addon.id, services, settings, undefined, options.journeys && new ServiceProxyJourney(options.journeys));
      started.push(() => sync.stop());
      await sync.sync();
      const policyEvents = new EventRecorder(client, { component: 'podlab-network-policy' });
      started.push(() => policyEvents.flush());
      const policies = new PolicyEnforcer({
        client,
        docker,
        cluster: cluster.name,
        events: policyEvents,
        labels: options.labels ?? {},
        trusted: () => [this.engine?.addon.ip ?? addon.ip, network.gateway].filter((ip): ip is string => !!ip),
        publish: (table) => sync.setPolicies(table),
      });
      started.push(() => policies.stop());
      await policies.start();
      const events = new EventRecorder(client, { component: 'podlab-service-proxy' });
      started.push(() => events.flush());
      const hostProxy = new HostServiceProxy({ client, table: services, dial: (target) => this.dialer.dial(target), events });
      started.push(() => hostProxy.stop());
      await hostProxy.start();
      const ingressEvents = new EventRecorder(client, { component: 'podlab-ingress-controller' });
      started.push(() => ingressEvents.flush());
      const ingress = new IngressController({ client, table: services, dial: (target) => this.dialer.dial(target), events: ingressEvents, ...(options.ingressHttpPort !== undefined ? { preferredHttpPort: options.ingressHttpPort } : {}), ...(options.ingressHttpsPort !== undefined ? { preferredHttpsPort: options.ingressHttpsPort } : {}), ...(options.ingressCertificateDir ? { certificateDir: options.ingressCertificateDir } : {}) });
      started.push(() => ingress.stop());
      await ingress.start();
      this.ingressHttpPort = ingress.httpPort;
      this.ingressHttpsPort = ingress.httpsPort;
      const watch = setInterval(() => void this.reviveAddon(), options.addonCheckMs ?? ADDON_CHECK_MS);
      started.push(() => clearInterval(watch));
      if (this.stopped) throw new Error('stopped while starting');
      this.stops.push(...started);
      return { network, addon, sync };
    } catch (error) {
      for (const stop of started.reverse()) await stop();
      throw error;
    }
  }
}

export function startNetworking(cluster: NetworkedCluster, options: NetworkingOptions = {}): Promise<Networking> {
  return Networking.start(cluster, options);
}

/** Networking whose engine side starts in the background (see Networking.begin). */
export function beginNetworking(cluster: NetworkedCluster, options: NetworkingOptions = {}): Promise<{ networking: Networking; firstTry: Promise<void> }> {
  return Networking.begin(cluster, options);
}
