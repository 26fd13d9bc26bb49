// The pod's API status from what the runtime holds, as generateAPIPodStatus:
// container statuses, phase (never back out of a terminal one), conditions,
// IPs and QoS class. Pure; the status manager adds timestamps and writes it.

import { podQOSClass } from '../apiserver/resources/shared/qos.ts';
import { convertContainerStatuses, type ContainerStatusContext } from './containerStatuses.ts';
import { podSandboxChanged } from './podActions.ts';
import { podConditions } from './podConditions.ts';
import { podPhase } from './podPhase.ts';
import { isHostNetworkPod, type PodStatus } from './types.ts';

export interface PodStatusContext extends ContainerStatusContext {
  /** The node's InternalIP. */
  hostIP?: string;
  /** The terminating pod's containers will not run again: its phase becomes Succeeded or Failed. */
  podIsTerminal: boolean;
}

const isTerminalPhase = (phase: PodStatus['phase']) => phase === 'Succeeded' || phase === 'Failed';

/** `old`: the status manager's last status for the pod, else the API's. */
export function generatePodStatus(ctx: PodStatusContext, old: PodStatus): PodStatus {
  const { pod, runtime } = ctx;
  const status: PodStatus = {};
  const newest = runtime.sandboxes[0];
  const ip = newest?.ready ? newest.ip : undefined;
  if (ip) {
    status.podIP = ip;
    status.podIPs = [{ ip }];
  } else if (old.podIP) {
    // A stopped sandbox has no address; the pod keeps reporting the one it had.
    status.podIP = old.podIP;
    status.podIPs = old.podIPs ?? [{ ip: old.podIP }];
  }
  status.qosClass = pod.status?.qosClass ?? podQOSClass(pod.spec as unknown as Record<string, unknown>);
  status.containerStatuses = convertContainerStatuses(ctx, old.containerStatuses, pod.spec.containers, 'app');
  const initContainers = pod.spec.initContainers ?? [];
  if (initContainers.length > 0) status.initContainerStatuses = convertContainerStatuses(ctx, old.initContainerStatuses, initContainers, 'init');
  const ephemeralContainers = pod.spec.ephemeralContainers ?? [];
  // Reported beside the others; they count for neither the phase nor the conditions.
  if (ephemeralContainers.length > 0) status.ephemeralContainerStatuses = convertContainerStatuses(ctx, old.ephemeralContainerStatuses, ephemeralContainers, 'ephemeral');

  const all = [...status.containerStatuses, ...(status.initContainerStatuses ?? [])];
  let phase = podPhase(pod, all, ctx.podIsTerminal);
  if (!isTerminalPhase(phase)) {
    if (isTerminalPhase(old.phase)) phase = old.phase!;
    else if (isTerminalPhase(pod.status?.phase)) phase = pod.status!.phase!;
  }
  // A phase the API already shows as terminal never changes.
  if (isTerminalPhase(pod.status?.phase)) phase = pod.status!.phase!;
  status.phase = phase;
  if (phase === old.phase) {
    const reason = old.reason || pod.status?.reason;
    const message = old.message || pod.status?.message;
    if (reason) status.reason = reason;
    if (message) status.message = message;
  }

  const sandboxReady = !podSandboxChanged(pod, runtime).changed;
  status.conditions = podConditions(pod, old, [...(status.initContainerStatuses ?? []), ...status.containerStatuses], phase, sandboxReady);
  if (ctx.hostIP) {
    status.hostIP = ctx.hostIP;
    status.hostIPs = [{ ip: ctx.hostIP }];
    if (isHostNetworkPod(pod) && !status.podIP) {
      status.podIP = ctx.hostIP;
      status.podIPs = [{ ip: ctx.hostIP }];
    }
  }
  return status;
}
