// A pod sandbox on Docker is a pause container, as dockershim made it: it owns
// the pod's network namespace (its address on the cluster network is the pod
// IP), its IPC namespace (`--ipc shareable`, so app containers can join it)
// and, with shareProcessNamespace, the PID namespace its pause reaps in.
// hostNetwork/hostIPC/hostPID pods join the node container's instead.

import type Docker from 'dockerode';
import type { PodSandboxConfig, PodSandboxStatus, Protocol, PublishedPort } from '../runtime.ts';
import { CONTAINER_LOG_CONFIG } from './defaults.ts';
import { namespacesFrom, sandboxLabels, sandboxMetadataFrom, splitLabels, withDefaults, type Placement } from '../labels.ts';
import { sandboxContainerName } from './naming.ts';
import { nodeContainerName } from './nodeContainers.ts';

export interface SandboxContext extends Placement {
  /** The cluster network's name. */
  network: string;
  pauseImage: string;
}

// As dockershim: the sandbox gets the minimal CPU weight. dockershim also
// lowered its OOM score (-998), but lowering it needs CAP_SYS_RESOURCE, which
// rootless and nested engines lack (runc then fails to start the container);
// pause uses almost no memory, so the OOM killer does not pick it anyway.
const SANDBOX_CPU_SHARES = 2;

export function sandboxCreateOptions(config: PodSandboxConfig, context: SandboxContext): Docker.ContainerCreateOptions {
  const namespaces = withDefaults(config.namespaces);
  const node = `container:${nodeContainerName(context.cluster, context.node)}`;
  const hostConfig: Docker.HostConfig = {
    NetworkMode: namespaces.network === 'node' ? node : context.network,
    IpcMode: namespaces.ipc === 'node' ? node : 'shareable',
    CpuShares: SANDBOX_CPU_SHARES,
    RestartPolicy: { Name: 'no' },
    LogConfig: CONTAINER_LOG_CONFIG,
  };
  if (namespaces.pid === 'node') hostConfig.PidMode = node;
  // A RuntimeClass's handler is one of the engine's runtimes (`docker info`: runc, or runsc once gVisor is installed).
  if (config.runtimeHandler) hostConfig.Runtime = config.runtimeHandler;
  const options: Docker.ContainerCreateOptions = {
    name: sandboxContainerName(config.metadata),
    Image: context.pauseImage,
    Labels: sandboxLabels(config, context),
    HostConfig: hostConfig,
  };
  // Docker refuses a hostname, DNS settings or published ports on a container
  // that joins another's network namespace: those are the node's then.
  if (namespaces.network === 'pod') {
    // Kubernetes cuts pod hostnames to 63 characters (a DNS label).
    options.Hostname = (config.hostname ?? config.metadata.name).slice(0, 63).replace(/[-.]+$/, '');
    if (config.dns) {
      hostConfig.Dns = config.dns.servers;
      hostConfig.DnsSearch = config.dns.searches;
      hostConfig.DnsOptions = config.dns.options;
    }
    const exposed: Record<string, object> = {};
    const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
    for (const mapping of config.portMappings ?? []) {
      const key = `${mapping.containerPort}/${(mapping.protocol ?? 'TCP').toLowerCase()}`;
      exposed[key] = {};
      (bindings[key] ??= []).push({ HostIp: mapping.hostIp ?? '127.0.0.1', HostPort: mapping.hostPort ? String(mapping.hostPort) : '' });
    }
    options.ExposedPorts = exposed;
    hostConfig.PortBindings = bindings;
  }
  return options;
}

/** `podIp`: the sandbox's own address, or the node container's for network `node`. */
export function toPodSandboxStatus(info: Docker.ContainerInspectInfo, podIp: string | undefined): PodSandboxStatus {
  const { labels, annotations } = splitLabels(info.Config.Labels);
  const ready = info.State.Running;
  const status: PodSandboxStatus = {
    id: info.Id,
    metadata: sandboxMetadataFrom(info.Config.Labels ?? {}),
    state: ready ? 'ready' : 'notready',
    createdAt: new Date(info.Created),
    labels,
    annotations,
    namespaces: namespacesFrom(info.Config.Labels ?? {}),
    ports: ready ? publishedPorts(info) : [],
  };
  if (ready && podIp) status.ip = podIp;
  return status;
}

export function sandboxIp(info: Docker.ContainerInspectInfo, network: string): string | undefined {
  return info.NetworkSettings.Networks?.[network]?.IPAddress || undefined;
}

function publishedPorts(info: Docker.ContainerInspectInfo): PublishedPort[] {
  const ports: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
    const [port, protocol] = key.split('/');
    for (const binding of bindings ?? []) {
      ports.push({ containerPort: Number(port), protocol: (protocol ?? 'tcp').toUpperCase() as Protocol, hostIp: binding.HostIp, hostPort: Number(binding.HostPort) });
    }
  }
  return ports.sort((a, b) => a.containerPort - b.containerPort);
}
