// Cluster DNS as pods see it: the `kube-dns` Service in kube-system, on the
// tenth address of the Service range (Kubernetes' habit: 10.96.0.10), which
// the add-on holds and answers on port 53; and the resolv.conf the kubelet
// gives ClusterFirst pods: that nameserver, Kubernetes' search domains,
// ndots:5.

import type { KubeClient } from '../kube/client/types.ts';
import { isApiError } from '../kube/client/types.ts';
import type { DnsConfig } from '../runtime/runtime.ts';

export const CLUSTER_DOMAIN = 'cluster.local';
const DNS_SERVICE = { namespace: 'kube-system', name: 'kube-dns' };

/** The address kube-dns asks for: the tenth of the Service range. */
export function preferredDnsIP(serviceRange: string): string {
  const [base] = serviceRange.split('/');
  const octets = base!.split('.').map(Number);
  const value = octets.reduce((sum, octet) => sum * 256 + octet, 0) + 10;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * Creates kube-dns when missing; returns its ClusterIP. It has no selector:
 * the add-on, not a pod, answers behind it. When its preferred address was
 * taken before it existed (a cluster created before networking), it takes
 * whatever address the Service range gives it.
 */
export async function ensureDnsService(client: KubeClient, serviceRange: string): Promise<string> {
  const services = client.resource({ group: '', version: 'v1', plural: 'services' });
  try {
    const existing = await services.get(DNS_SERVICE.namespace, DNS_SERVICE.name);
    const ip = (existing.spec as { clusterIP?: string } | undefined)?.clusterIP;
    if (ip && ip !== 'None') return ip;
    throw new Error(`${DNS_SERVICE.namespace}/${DNS_SERVICE.name} exists without a ClusterIP: delete it and restart the cluster`);
  } catch (error) {
    if (!isApiError(error, 'NotFound')) throw error;
  }
  const service = (clusterIP?: string) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      ...DNS_SERVICE,
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'KubeDNS' },
    },
    spec: {
      type: 'ClusterIP',
      ...(clusterIP ? { clusterIP } : {}),
      ports: [
        { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 },
        { name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 53 },
      ],
    },
  });
  let created;
  try {
    created = await services.create(DNS_SERVICE.namespace, service(preferredDnsIP(serviceRange)));
  } catch (error) {
    if (!isApiError(error, 'Invalid')) throw error;
    created = await services.create(DNS_SERVICE.namespace, service());
  }
  return (created.spec as { clusterIP: string }).clusterIP;
}

/** The DNS settings of a ClusterFirst pod in `namespace`. */
export function podDnsConfig(namespace: string, nameserver: string, domain = CLUSTER_DOMAIN): DnsConfig {
  return { servers: [nameserver], searches: [`${namespace}.svc.${domain}`, `svc.${domain}`, domain], options: ['ndots:5'] };
}
