// A kubelet for one node, on the runtime the cluster uses: on Docker it
// drives the node's containers and reports the node container's address;
// simulated nodes live in this process and share one IP allocator.

import { join } from 'node:path';
import type Docker from 'dockerode';
import type { KubeClient } from '../../kube/client/types.ts';
import { Kubelet } from '../../kubelet/kubelet.ts';
import type { DnsSettings } from '../../kubelet/sandboxConfig.ts';
import type { Timings } from '../../kubelet/timings.ts';
import { DockerRuntime } from '../../runtime/docker/dockerRuntime.ts';
import { inspectNodeContainer } from '../../runtime/docker/nodeContainers.ts';
import { IpAllocator } from '../../runtime/simulated/ipAllocator.ts';
import { SimulatedRuntime } from '../../runtime/simulated/simulatedRuntime.ts';
import { machineInfo, nodeCapacity, type EngineFacts } from './machineFacts.ts';
import { capacityFromLabels, capacityLabels, LABEL_NODE_ROLE, ROLE_CONTROL_PLANE, type CapacityChoice } from './nodeLabels.ts';
import type { JourneyRecorder } from '../../kube/trace/journeyRecorder.ts';

export interface KubeletContext {
  cluster: string;
  dataDir: string;
  clientFor: (component: string) => KubeClient;
  timings: Timings;
  facts: EngineFacts;
  /** Identifies this run of the serving process (nodeInfo.bootID). */
  bootID: string;
  dns?: DnsSettings;
  /** Registry logins every node's kubelet tries after a pod's imagePullSecrets. */
  nodeCredentials?: () => Buffer[];
  /** The cluster's pod journeys, which every kubelet adds to. */
  journeys?: JourneyRecorder;
}

/** PodLab's default pids limit per container: a fork bomb in a pod must not take the desktop down. */
export const POD_PIDS_LIMIT = 4096;

function common(ctx: KubeletContext, node: string, labels: Record<string, string>) {
  return {
    nodeName: node,
    client: ctx.clientFor(`system:node:${node}`),
    capacity: nodeCapacity(ctx.facts, capacityFromLabels(labels), ctx.dataDir),
    controlPlane: labels[LABEL_NODE_ROLE] === ROLE_CONTROL_PLANE,
    machine: machineInfo(ctx.facts, ctx.cluster, node, ctx.bootID),
    rootDir: join(ctx.dataDir, 'kubelet', node),
    podPidsLimit: POD_PIDS_LIMIT,
    engineCpuMillis: ctx.facts.cpus * 1000,
    timings: ctx.timings,
    ...(ctx.dns ? { dns: ctx.dns } : {}),
    ...(ctx.nodeCredentials ? { nodeCredentials: ctx.nodeCredentials } : {}),
    ...(ctx.journeys ? { journeys: ctx.journeys } : {}),
  };
}

export function dockerKubelet(ctx: KubeletContext, docker: Docker, node: string, labels: Record<string, string>, pauseImage?: string): Kubelet {
  const runtime = new DockerRuntime({ cluster: ctx.cluster, node, docker, ...(pauseImage ? { pauseImage } : {}) });
  return new Kubelet({
    ...common(ctx, node, labels),
    runtime,
    providerID: `podlab://docker/${ctx.cluster}/${node}`,
    nodeAddress: async () => (await inspectNodeContainer(docker, ctx.cluster, node))?.ip,
  });
}

export function simulatedKubelet(ctx: KubeletContext, ips: IpAllocator, node: string, controlPlane: boolean, capacity: CapacityChoice = {}): Kubelet {
  const nodeIp = ips.allocate();
  const runtime = new SimulatedRuntime({ cluster: ctx.cluster, node, ips, nodeIp });
  return new Kubelet({
    ...common(ctx, node, { ...capacityLabels(capacity), ...(controlPlane ? { [LABEL_NODE_ROLE]: ROLE_CONTROL_PLANE } : {}) }),
    runtime,
    providerID: `podlab://simulated/${ctx.cluster}/${node}`,
    // Its containers live in this process's memory and open no files.
    writesFiles: false,
    nodeAddress: async () => nodeIp,
  });
}
