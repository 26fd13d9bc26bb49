// The URLs on this machine that reach a Service, as PodLab (like Docker
// Desktop) serves them: a LoadBalancer on its 127.0.0.1/localhost ingress at
// each of its ports, and every NodePort on 127.0.0.1:<nodePort>. The NodePort
// URL stays listed for a LoadBalancer whose own port is taken (no ingress).

import type { KubeObject } from '../preload/api.ts';

interface ServicePortShape {
  port: number;
  nodePort?: number;
  name?: string;
  protocol?: string;
  appProtocol?: string;
}

interface ServiceShape {
  spec?: { type?: string; ports?: ServicePortShape[] };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
}

export interface ServiceUrl {
  url: string;
  /** How it is reached: the LoadBalancer's port or the NodePort. */
  via: 'LoadBalancer' | 'NodePort';
}

function scheme(port: ServicePortShape): string {
  return port.port === 443 || port.appProtocol === 'https' ? 'https' : 'http';
}

export function serviceLocalUrls(service: KubeObject): ServiceUrl[] {
  const { spec, status } = service as ServiceShape;
  const ports = (spec?.ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
  const hosts = spec?.type === 'LoadBalancer' ? (status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter((h) => h === '127.0.0.1' || h === 'localhost') : [];
  const balanced = hosts.flatMap((host) => ports.map((p) => ({ url: `${scheme(p)}://${host}:${p.port}/`, via: 'LoadBalancer' as const })));
  const nodePorts = spec?.type === 'NodePort' || spec?.type === 'LoadBalancer' ? ports.filter((p) => p.nodePort).map((p) => ({ url: `${scheme(p)}://127.0.0.1:${p.nodePort}/`, via: 'NodePort' as const })) : [];
  return [...balanced, ...nodePorts];
}
