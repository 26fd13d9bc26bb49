// How a prober reaches a pod. Kubernetes dials the pod IP from the node;
// PodLab's host cannot (Docker Desktop does not route container addresses),
// so the sandbox publishes the ports probes use on 127.0.0.1 and the prober
// connects there, while its messages still name the pod IP. A port the
// sandbox does not publish (hostNetwork pods publish nothing) is reached from
// inside the pod instead (see inPodConnection.ts).

import { LABEL_POD_UID, NotFoundError, type PodSandbox, type PodSandboxStatus, type Runtime } from '../../runtime/runtime.ts';
import type { Pod } from '../types.ts';

export interface HostEndpoint {
  host: string;
  port: number;
}

export interface PodNetworkAccess {
  /** The pod's IP: what Kubernetes would dial, and the address probe messages name. */
  readonly podIP: string;
  /** Where the host reaches the pod's TCP `containerPort`; undefined when the sandbox does not publish it. */
  published(containerPort: number): HostEndpoint | undefined;
}

/** The pod's network as its current sandbox shows it; undefined while the pod has no ready sandbox. */
export type PodNetworkLookup = (pod: Pod) => PodNetworkAccess | undefined | Promise<PodNetworkAccess | undefined>;

// A port published on every interface is reached through loopback all the same.
const ANY_ADDRESS = new Set(['', '0.0.0.0', '::']);

export function sandboxNetworkAccess(status: PodSandboxStatus): PodNetworkAccess | undefined {
  if (status.state !== 'ready' || !status.ip) return undefined;
  const tcp = status.ports.filter((p) => p.protocol === 'TCP');
  return {
    podIP: status.ip,
    published(containerPort) {
      const mapping = tcp.find((p) => p.containerPort === containerPort);
      if (!mapping) return undefined;
      return { host: ANY_ADDRESS.has(mapping.hostIp) ? '127.0.0.1' : mapping.hostIp, port: mapping.hostPort };
    },
  };
}

const CACHE_LIMIT = 1024;

/**
 * A lookup that asks the runtime for the pod's newest ready sandbox at each
 * probe; a sandbox's published ports never change, so its status is read once.
 */
export function runtimePodNetwork(runtime: Pick<Runtime, 'listPodSandboxes' | 'podSandboxStatus'>): PodNetworkLookup {
  const bySandbox = new Map<string, PodNetworkAccess>();
  return async (pod) => {
    const ready = await runtime.listPodSandboxes({ state: 'ready', labels: { [LABEL_POD_UID]: pod.metadata.uid ?? '' } });
    const newest = ready.sort(newestFirst)[0];
    if (!newest) return undefined;
    const known = bySandbox.get(newest.id);
    if (known) return known;
    let status: PodSandboxStatus;
    try {
      status = await runtime.podSandboxStatus(newest.id);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
    const access = sandboxNetworkAccess(status);
    if (!access) return undefined;
    if (bySandbox.size >= CACHE_LIMIT) bySandbox.delete(bySandbox.keys().next().value as string);
    bySandbox.set(newest.id, access);
    return access;
  };
}

function newestFirst(a: PodSandbox, b: PodSandbox): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || b.metadata.attempt - a.metadata.attempt;
}
