// The pod sandbox the runtime creates, as generatePodSandboxConfig: name,
// namespace, uid and attempt; hostname; the host or pod namespaces the spec
// asks for; DNS; and the ports to publish on 127.0.0.1 (declared container
// ports, plus the ports probes and lifecycle hooks reach, since the host
// talks to pods only through published ports).

import type { DnsConfig, PodSandboxConfig, PortMapping, Protocol } from '../runtime/runtime.ts';
import { isHostNetworkPod, type Container, type LifecycleHandler, type Pod } from './types.ts';

export interface DnsSettings {
  /** Cluster DNS servers; empty until the cluster's DNS add-on exists, and pods then use the engine's resolver. */
  clusterDNS: string[];
  clusterDomain: string;
}

/** A named or numbered port of a handler, resolved against the container's declared ports. */
export function resolvePort(port: number | string, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

function handlerPorts(container: Container): number[] {
  const handlers: Array<LifecycleHandler | undefined> = [
    container.lifecycle?.postStart,
    container.lifecycle?.preStop,
    container.livenessProbe,
    container.readinessProbe,
    container.startupProbe,
  ];
  const ports: number[] = [];
  for (const handler of handlers) {
    const port = handler?.httpGet?.port ?? handler?.tcpSocket?.port;
    const resolved = port === undefined ? undefined : resolvePort(port, container);
    if (resolved) ports.push(resolved);
  }
  return ports;
}

function portMappings(pod: Pod): PortMapping[] {
  const mappings = new Map<string, PortMapping>();
  const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  for (const container of containers) {
    for (const port of container.ports ?? []) {
      const protocol = (port.protocol ?? 'TCP') as Protocol;
      const mapping: PortMapping = { containerPort: port.containerPort, protocol };
      if (port.hostPort) mapping.hostPort = port.hostPort;
      mappings.set(`${port.containerPort}/${protocol}`, mapping);
    }
    for (const port of handlerPorts(container)) {
      if (!mappings.has(`${port}/TCP`)) mappings.set(`${port}/TCP`, { containerPort: port, protocol: 'TCP' });
    }
  }
  return [...mappings.values()];
}

/** The pod's resolv.conf, as the kubelet's dns.Configurer builds it for each dnsPolicy. */
export function podDns(pod: Pod, settings: DnsSettings): DnsConfig | undefined {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  const extra = pod.spec.dnsConfig;
  const extras: DnsConfig = {
    servers: extra?.nameservers ?? [],
    searches: extra?.searches ?? [],
    options: (extra?.options ?? []).map((o) => (o.value === undefined ? (o.name ?? '') : `${o.name}:${o.value}`)),
  };
  const clusterFirst = policy === 'ClusterFirst' || (policy === 'ClusterFirstWithHostNet' && isHostNetworkPod(pod));
  if (policy === 'None') return extras;
  if (clusterFirst && settings.clusterDNS.length > 0) {
    const namespace = pod.metadata.namespace ?? 'default';
    const domain = settings.clusterDomain;
    return {
      servers: [...settings.clusterDNS, ...extras.servers],
      searches: [`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...extras.searches],
      options: ['ndots:5', ...extras.options],
    };
  }
  // Default policy, or cluster DNS not available: the engine's resolver, plus what the pod adds.
  return extras.servers.length || extras.searches.length || extras.options.length ? extras : undefined;
}

export function sandboxConfig(pod: Pod, attempt: number, dns: DnsSettings): PodSandboxConfig {
  const config: PodSandboxConfig = {
    metadata: { name: pod.metadata.name ?? '', namespace: pod.metadata.namespace ?? 'default', uid: pod.metadata.uid ?? '', attempt },
    hostname: pod.spec.hostname || pod.metadata.name || '',
    labels: { ...pod.metadata.labels },
    annotations: { ...pod.metadata.annotations },
    namespaces: {
      network: isHostNetworkPod(pod) ? 'node' : 'pod',
      pid: pod.spec.hostPID ? 'node' : pod.spec.shareProcessNamespace ? 'pod' : 'container',
      ipc: pod.spec.hostIPC ? 'node' : 'pod',
    },
  };
  const resolv = podDns(pod, dns);
  if (resolv) config.dns = resolv;
  if (!isHostNetworkPod(pod)) config.portMappings = portMappings(pod);
  return config;
}
