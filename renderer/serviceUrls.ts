// The URLs on this machine that reach a Service: the 127.0.0.1/localhost
// ingress a LoadBalancer Service gets, with each of its ports.

import type { KubeObject } from '../preload/api.ts';

interface ServiceShape {
  spec?: { type?: string; ports?: Array<{ port: number; name?: string; appProtocol?: string }> };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
}

export function serviceLocalUrls(service: KubeObject): string[] {
  const { spec, status } = service as ServiceShape;
  const hosts = (status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '').filter((h) => h === '127.0.0.1' || h === 'localhost');
  return hosts.flatMap((host) => (spec?.ports ?? []).map((p) => `${p.port === 443 || p.appProtocol === 'https' ? 'https' : 'http'}://${host}:${p.port}/`));
}
