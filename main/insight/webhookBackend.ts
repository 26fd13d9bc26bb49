// What stands behind a webhook's Service, checked against the cluster as the
// API server's call needs it: the Service and its ports, its EndpointSlices'
// ready endpoints, the pods its selector takes, the Deployments whose pods
// it would take, and the caBundle the serving certificate must chain to.

import { X509Certificate } from 'node:crypto';
import type { KubeObject } from '../kube/meta.ts';
import { labelsMatch, type AdmissionCluster } from './admissionCluster.ts';
import { serviceSelector, type WebhookTarget } from './webhookTarget.ts';

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
}

export interface WebhookBackend {
  service?: KubeObject;
  ports: ServicePort[];
  /** The Service port the webhook names. */
  port?: ServicePort;
  selector?: Record<string, string>;
  slices: number;
  ready: string[];
  notReady: string[];
  pods: KubeObject[];
  readyPods: KubeObject[];
  /** Deployments in the Service's namespace whose pod template the selector takes. */
  deployments: KubeObject[];
  /** Every Deployment in the Service's namespace (to suggest a selector when none matches). */
  namespaceDeployments: KubeObject[];
}

function podReady(pod: KubeObject): boolean {
  return ((pod.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function webhookBackend(cluster: AdmissionCluster, target: WebhookTarget): WebhookBackend {
  const ref = target.service!;
  const { service, selector } = serviceSelector(cluster, target);
  const ports = ((service?.spec as { ports?: ServicePort[] } | undefined)?.ports ?? []);
  const slices = cluster.endpointSlices.filter((s) => s.metadata.namespace === ref.namespace && s.metadata.labels?.['kubernetes.io/service-name'] === ref.name);
  const ready: string[] = [];
  const notReady: string[] = [];
  for (const slice of slices) {
    for (const endpoint of (slice as unknown as { endpoints?: Array<{ addresses?: string[]; conditions?: { ready?: boolean }; targetRef?: { name?: string } }> }).endpoints ?? []) {
      const text = `${(endpoint.addresses ?? []).join(',')}${endpoint.targetRef?.name ? ` (${endpoint.targetRef.name})` : ''}`;
      // EndpointSlice: an unset ready condition means ready.
      (endpoint.conditions?.ready === false ? notReady : ready).push(text);
    }
  }
  const pods = selector ? cluster.pods.filter((p) => p.metadata.namespace === ref.namespace && labelsMatch(selector, p.metadata.labels) && !p.metadata.deletionTimestamp) : [];
  const namespaceDeployments = cluster.deployments.filter((d) => d.metadata.namespace === ref.namespace);
  const deployments = selector ? namespaceDeployments.filter((d) => labelsMatch(selector, (d.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels)) : [];
  return {
    ...(service ? { service } : {}),
    ports,
    ...(ports.find((p) => p.port === ref.port) ? { port: ports.find((p) => p.port === ref.port) } : {}),
    ...(selector ? { selector } : {}),
    slices: slices.length,
    ready,
    notReady,
    pods,
    readyPods: pods.filter(podReady),
    deployments,
    namespaceDeployments,
  };
}

export interface CaBundleView {
  subject: string;
  issuer: string;
  validTo: string;
  expired: boolean;
  certificates: number;
}

/** The first certificate of a base64 caBundle, as openssl x509 -subject -issuer -enddate shows it. */
export function caBundleView(caBundle: string | undefined, now: Date): CaBundleView | { error: string } | undefined {
  if (!caBundle) return undefined;
  const pem = Buffer.from(caBundle, 'base64').toString('utf8');
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return { error: 'caBundle holds no PEM certificate' };
  try {
    const cert = new X509Certificate(blocks[0]!);
    return { subject: cert.subject.replace(/\n/g, ', '), issuer: cert.issuer.replace(/\n/g, ', '), validTo: new Date(cert.validTo).toISOString(), expired: Date.parse(cert.validTo) < now.getTime(), certificates: blocks.length };
  } catch (err) {
    return { error: `caBundle's certificate does not parse: ${(err as Error).message}` };
  }
}

/** The container ports of a pod, as `8443/TCP (https)`. */
export function containerPorts(pod: KubeObject): Array<{ port: number; name?: string; text: string }> {
  const containers = ((pod.spec as { containers?: Array<{ ports?: Array<{ containerPort: number; name?: string; protocol?: string }> }> } | undefined)?.containers ?? []);
  return containers.flatMap((c) => (c.ports ?? []).map((p) => ({ port: p.containerPort, ...(p.name ? { name: p.name } : {}), text: `${p.containerPort}/${p.protocol ?? 'TCP'}${p.name ? ` (${p.name})` : ''}` })));
}
