// A cluster's pod network: one Docker bridge network, `podlab-<cluster>`.
// Docker's IPAM gives every sandbox its address (the pod IP: PodLab's CNI
// step). The subnet is split in two: pods get addresses only from the lower
// half (Docker's --ip-range), so the upper half stays free for Service
// ClusterIPs, which the cluster add-on holds as /32 secondary addresses that
// the bridge then delivers to it.

import type Docker from 'dockerode';
import { engineCall, engineCallIdempotent } from '../runtime/docker/engine.ts';
import { ConflictError, LABEL_CLUSTER } from '../runtime/runtime.ts';

export const DEFAULT_CLUSTER_SUBNET = '10.244.0.0/16';

export interface ClusterNetworkOptions {
  cluster: string;
  /** IPv4 CIDR, /8 to /28. Clusters on one engine need subnets that do not overlap. */
  subnet?: string;
  /** Added to PodLab's own labels. */
  labels?: Record<string, string>;
}

export interface AddressPlan {
  subnet: string;
  gateway: string;
  /** Docker's --ip-range: where pod (and node) IPs come from. */
  podRange: string;
  /** Left out of the ip-range, for Service ClusterIPs. */
  serviceRange: string;
}

export interface ClusterNetwork extends AddressPlan {
  id: string;
  name: string;
}

export function clusterNetworkName(cluster: string): string {
  return `podlab-${cluster}`;
}

export function planAddresses(subnet: string): AddressPlan {
  const [address, bits] = subnet.split('/');
  const prefix = Number(bits);
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(address ?? '') || !Number.isInteger(prefix) || prefix < 8 || prefix > 28) {
    throw new RangeError(`cluster subnet ${subnet} is not an IPv4 CIDR between /8 and /28`);
  }
  const size = 2 ** (32 - prefix);
  const base = ipToNumber(address!) - (ipToNumber(address!) % size);
  return {
    subnet: `${numberToIp(base)}/${prefix}`,
    gateway: numberToIp(base + 1),
    podRange: `${numberToIp(base)}/${prefix + 1}`,
    serviceRange: `${numberToIp(base + size / 2)}/${prefix + 1}`,
  };
}

/** The cluster's network, created when missing. Fails when it exists with another subnet. */
export async function ensureClusterNetwork(docker: Docker, options: ClusterNetworkOptions): Promise<ClusterNetwork> {
  const plan = planAddresses(options.subnet ?? DEFAULT_CLUSTER_SUBNET);
  const existing = await findClusterNetwork(docker, options.cluster);
  if (existing) {
    if (existing.subnet !== plan.subnet) {
      throw new ConflictError(`network ${existing.name} already exists with subnet ${existing.subnet}, not ${plan.subnet}`);
    }
    return existing;
  }
  const name = clusterNetworkName(options.cluster);
  const created = await engineCall(`create network ${name}`, () =>
    docker.createNetwork({
      Name: name,
      Driver: 'bridge',
      CheckDuplicate: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: plan.subnet, IPRange: plan.podRange, Gateway: plan.gateway }] },
      Labels: { ...options.labels, [LABEL_CLUSTER]: options.cluster, 'podlab.role': 'cluster-network' },
    }),
  );
  // Made with the plan's addresses: no need to list it again.
  return { ...plan, id: created.id, name };
}

export async function findClusterNetwork(docker: Docker, cluster: string): Promise<ClusterNetwork | undefined> {
  const name = clusterNetworkName(cluster);
  // The name filter matches substrings; the label filter keeps other owners' networks out.
  const networks = await engineCall(`list networks`, () =>
    docker.listNetworks({ filters: JSON.stringify({ name: [name], label: [`${LABEL_CLUSTER}=${cluster}`] }) }),
  );
  const network = networks.find((n) => n.Name === name);
  const ipam = network?.IPAM?.Config?.[0];
  if (!network || !ipam?.Subnet) return undefined;
  const plan = planAddresses(ipam.Subnet);
  return { ...plan, id: network.Id, name, gateway: ipam.Gateway ?? plan.gateway, podRange: ipam.IPRange ?? plan.podRange };
}

/** Idempotent; fails while containers are still attached. */
export async function removeClusterNetwork(docker: Docker, cluster: string): Promise<void> {
  const network = await findClusterNetwork(docker, cluster);
  if (!network) return;
  await engineCallIdempotent(`remove network ${network.name}`, () => docker.getNetwork(network.id).remove(), [404]);
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

function numberToIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
