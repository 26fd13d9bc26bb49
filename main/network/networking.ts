// A cluster's networking on Docker, started as one component: the cluster
// network, the kube-dns Service, the API server's gateway listener, the
// add-on container (DNS, ClusterIPs, tunnel) fed with every Service and its
// endpoints, and the host service proxy (NodePorts, LoadBalancers on
// 127.0.0.1). Stopping it stops what runs in PodLab's process; the add-on
// keeps running so pods keep resolving names, and a restarted PodLab adopts
// it (`removeAddonContainer` is for deleting the cluster).

import type Docker from 'dockerode';
import { EventRecorder } from '../apiserver/client/eventRecorder.ts';
import type { KubeClient } from '../apiserver/client/types.ts';
import { createDockerClient } from '../runtime/docker/engine.ts';
import type { DnsConfig } from '../runtime/runtime.ts';
import { ensureAddonContainer, type AddonContainer } from './addonContainer.ts';
import { AddonSync } from './addonSync.ts';
import { startApiGateway, type ApiGateway } from './apiGateway.ts';
import { CLUSTER_DOMAIN, ensureDnsService, podDnsConfig } from './clusterDns.ts';
import { ensureClusterNetwork, planAddresses, type ClusterNetwork } from './clusterNetwork.ts';
import { HostServiceProxy } from './hostServiceProxy.ts';
import { PodDialer } from './podDialer.ts';
import { ServiceTable } from './serviceTable.ts';

/** What networking needs of a Cluster (cluster.ts's Cluster fits). */
export interface NetworkedCluster {
  readonly name: string;
  readonly settings: { subnet: string; apiPort: number };
  client(component: string): KubeClient;
  own(component: { name: string; stop(): Promise<void> | void }): void;
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
}

/** Docker's embedded DNS server, inside every container on a user-defined network. */
export const DOCKER_EMBEDDED_DNS = '127.0.0.11';

/** The kubelet's cluster DNS settings (its `clusterDNS` and `clusterDomain`). */
export interface ClusterDnsSettings {
  clusterDNS: string[];
  clusterDomain: string;
}

export interface Networking {
  readonly name: 'networking';
  readonly network: ClusterNetwork;
  readonly addon: AddonContainer;
  /** For the kubelet: where ClusterFirst pods send their queries. */
  readonly dns: ClusterDnsSettings;
  /** Connects from the host to a pod address (published port, else the add-on's tunnel). */
  readonly dialer: PodDialer;
  readonly services: ServiceTable;
  /** resolv.conf settings for a ClusterFirst pod in `namespace`. */
  podDnsConfig(namespace: string): DnsConfig;
  /** Resolves once the add-on has applied every Service and endpoint change made before the call. */
  addonSettled(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startNetworking(cluster: NetworkedCluster, options: NetworkingOptions = {}): Promise<Networking> {
  const docker = options.docker ?? createDockerClient();
  const client = cluster.client('system:kube-proxy');
  const network = await ensureClusterNetwork(docker, { cluster: cluster.name, subnet: cluster.settings.subnet, labels: options.labels ?? {} });
  const dnsIP = await ensureDnsService(client, planAddresses(network.subnet).serviceRange);
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  };
  try {
    const gateway: ApiGateway = await startApiGateway(docker, network.gateway, cluster.settings.apiPort);
    stops.push(() => gateway.stop());
    const addonOptions = { cluster: cluster.name, labels: options.labels ?? {}, ...(options.addonImage ? { image: options.addonImage } : {}) };
    const addon = await ensureAddonContainer(docker, addonOptions);
    const services = new ServiceTable(client);
    stops.push(() => services.stop());
    await services.start();
    const settings = { subnet: network.subnet, dnsIP, clusterDomain: CLUSTER_DOMAIN, upstreamDns: options.upstreamDns ?? [], apiServer: { address: gateway.address, port: gateway.port } };
    const sync = new AddonSync(docker, addon.id, services, settings);
    stops.push(() => sync.stop());
    await sync.sync();
    const dialer = new PodDialer(docker, cluster.name);
    const events = new EventRecorder(client, { component: 'podlab-service-proxy' });
    stops.push(() => events.flush());
    const hostProxy = new HostServiceProxy({ client, table: services, dial: (target) => dialer.dial(target), events });
    stops.push(() => hostProxy.stop());
    await hostProxy.start();

    const networking: Networking = {
      name: 'networking',
      network,
      addon,
      dns: { clusterDNS: [dnsIP], clusterDomain: CLUSTER_DOMAIN },
      dialer,
      services,
      podDnsConfig: (namespace) => podDnsConfig(namespace, dnsIP),
      addonSettled: async (timeoutMs) => {
        await services.caughtUp(timeoutMs);
        await sync.applied(timeoutMs);
      },
      stop: stopAll,
    };
    cluster.own(networking);
    return networking;
  } catch (error) {
    await stopAll();
    throw error;
  }
}
