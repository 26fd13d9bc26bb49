// Where a pod's port forward goes on its node: the pod's running sandbox (the
// pause container that owns its network namespace) and a way to dial ports
// in it. The kubelet dials inside the namespace; PodLab's host never enters
// it, so a port is reached the way every host-side connection to a pod is
// (PodDialer: the sandbox's published port on 127.0.0.1, else the cluster
// add-on's tunnel to PODIP:PORT). A consequence: a process listening only on
// the pod's 127.0.0.1 cannot be reached.

import type { Socket } from 'node:net';
import { errors } from '../../apiserver/errors.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { PodDialer, type PodAddress } from '../../network/podDialer.ts';
import { DockerRuntime } from '../../runtime/docker/dockerRuntime.ts';
import { LABEL_POD_UID, NotFoundError, type Runtime } from '../../runtime/runtime.ts';
import { socketErrorText, type PortForwardTarget } from './portForwardRequests.ts';

export type PodDial = (target: PodAddress) => Promise<Socket>;

/** How to reach pod addresses from this process, for the pods of a runtime; undefined where there is no pod network. */
export type PodDialLookup = (runtime: Runtime) => PodDial | undefined;

const dialers = new WeakMap<DockerRuntime, PodDialer>();

/** Pods on a Docker engine, through their cluster's network (one PodDialer per node runtime, its port cache shared). */
export const dialDockerPods: PodDialLookup = (runtime) => {
  if (!(runtime instanceof DockerRuntime)) return undefined;
  let dialer = dialers.get(runtime);
  if (!dialer) {
    dialer = new PodDialer(runtime.docker, runtime.cluster);
    dialers.set(runtime, dialer);
  }
  const chosen = dialer;
  return (target) => chosen.dial(target);
};

interface PodNetworkView extends KubeObject {
  status?: { phase?: string; podIP?: string };
}

export interface SandboxTarget extends PortForwardTarget {
  /** Resolves true once the sandbox stops or is removed (the pod is gone); false if the watch ends otherwise. */
  ended(signal: AbortSignal): Promise<boolean>;
}

export async function sandboxTarget(runtime: Runtime, object: KubeObject, dialFor: PodDialLookup): Promise<SandboxTarget> {
  const pod = object as PodNetworkView;
  const name = pod.metadata.name ?? '';
  const phase = pod.status?.phase ?? 'Unknown';
  // kubectl checks this itself before it asks; other clients get the same words.
  if (phase !== 'Running') throw errors.badRequest(`unable to forward port because pod is not running. Current status=${phase}`);
  const dial = dialFor(runtime);
  if (!dial) throw errors.badRequest(`port forwarding to pod ${name} is not available: node "${runtime.node}" runs no containers (simulated runtime), so there is no pod network to connect to`);
  const sandboxes = await runtime.listPodSandboxes({ labels: { [LABEL_POD_UID]: pod.metadata.uid ?? '' }, state: 'ready' });
  const sandbox = sandboxes.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (!sandbox) throw errors.badRequest(`failed to find a running sandbox for pod ${name} on node "${runtime.node}"`);
  const address = (await runtime.podSandboxStatus(sandbox.id)).ip ?? pod.status?.podIP;
  if (!address) throw errors.badRequest(`pod ${name} has no IP address yet`);
  return {
    pod: sandbox.id,
    uid: '',
    dial: portDialer(dial, address),
    ended: (signal) => sandboxEnded(runtime, sandbox.id, signal),
  };
}

/** Connections to the ports of `address`; a failure reads as Go's net.Dial's (`dial tcp4 10.244.0.5:81: connect: connection refused`). */
export function portDialer(dial: PodDial, address: string): (port: number) => Promise<Socket> {
  return async (port) => {
    try {
      return await dial({ address, port });
    } catch (error) {
      throw new Error(`dial tcp4 ${address}:${port}: connect: ${socketErrorText(error as Error)}`);
    }
  };
}

async function sandboxEnded(runtime: Runtime, sandboxId: string, signal: AbortSignal): Promise<boolean> {
  const events = runtime.events({ signal });
  try {
    await events.ready;
    // It may have ended between the lookup and the subscription.
    if ((await runtime.podSandboxStatus(sandboxId)).state !== 'ready') return true;
    for await (const event of events) {
      if (event.isSandbox && event.containerId === sandboxId && (event.type === 'died' || event.type === 'removed')) return true;
    }
  } catch (error) {
    if (error instanceof NotFoundError) return true;
  }
  return false;
}
