// One probe run's target, and the way to one of its ports: an explicit
// `host` is dialed as the kubelet would (from where PodLab runs); the pod IP
// is reached through the port its sandbox publishes on 127.0.0.1, or from
// inside the pod when that port is not published.

import type { Runtime } from '../../runtime/runtime.ts';
import type { Container, Pod } from '../types.ts';
import { joinHostPort } from './goNetErrors.ts';
import type { HostEndpoint, PodNetworkAccess } from './podNetwork.ts';

export interface ProbeTarget {
  pod: Pod;
  container: Container;
  containerId: string;
  timeoutMs: number;
  runtime: Pick<Runtime, 'execSync'>;
  /** Undefined while the pod has no ready sandbox. */
  network: PodNetworkAccess | undefined;
  /** How long a connection through a published port must stay open to count as accepted (see tcpProbe.ts). */
  settleMs: number;
  signal?: AbortSignal;
}

export type Route =
  /** Straight to the endpoint; `proxied` when it is a published port (a proxy may accept for a closed port). */
  | { kind: 'direct'; endpoint: HostEndpoint; proxied: boolean; address: string }
  | { kind: 'inPod'; host: string; port: number; address: string }
  | { kind: 'unreachable'; error: string };

export function routeTo(target: ProbeTarget, host: string | undefined, port: number): Route {
  const podIP = target.network?.podIP;
  if (host && host !== podIP) return { kind: 'direct', endpoint: { host, port }, proxied: false, address: joinHostPort(host, port) };
  if (!target.network || !podIP) return { kind: 'unreachable', error: `pod ${target.pod.metadata.name} has no ready sandbox, so no IP to probe` };
  const address = joinHostPort(podIP, port);
  const endpoint = target.network.published(port);
  if (endpoint) return { kind: 'direct', endpoint, proxied: true, address };
  return { kind: 'inPod', host: podIP, port, address };
}
