// Where a webhook is reached, as its configuration (or the refusal) says:
// a Service in the cluster (`svc.ns.svc`, the name its certificate must
// carry) or a URL; and the Service's pods, whose logs say what it decided.

import type { KubeObject } from '../kube/meta.ts';
import type { WebhookClientConfig } from '../kube/types/admissionregistration-v1.ts';
import { findObject, type AdmissionCluster } from './admissionCluster.ts';
import type { WebhookCause } from './admissionRefusal.ts';
import type { FoundWebhook } from './admissionCluster.ts';

export interface WebhookTarget {
  service?: { namespace: string; name: string; port: number; path: string };
  url?: string;
  /** What the API server verifies the serving certificate against. */
  serverName?: string;
  /** `service shop/policy:443 /validate` or the URL. */
  text: string;
}

export function webhookTarget(cause: WebhookCause, found: FoundWebhook | undefined): WebhookTarget | undefined {
  const config: WebhookClientConfig | undefined = found?.hook.clientConfig ?? (cause.outcome === 'call-failed' ? cause.clientConfig : undefined);
  // Without the configuration, the message's URL is all there is: a Service's reads as its DNS name.
  const service = config?.service ?? (found ? undefined : serviceOfUrl(config?.url));
  if (service?.name && service.namespace) {
    const port = service.port ?? 443;
    const path = service.path ?? '';
    return { service: { namespace: service.namespace, name: service.name, port, path }, serverName: `${service.name}.${service.namespace}.svc`, text: `Service ${service.namespace}/${service.name} port ${port}${path ? `, path ${path}` : ''}` };
  }
  if (config?.url) return { url: config.url, serverName: new URL(config.url).hostname, text: config.url };
  return undefined;
}

/** A failed call's URL names a Service as `https://NAME.NS.svc:PORT/PATH` (the refusal's message is all an event keeps). */
function serviceOfUrl(url: string | undefined): WebhookClientConfig['service'] | undefined {
  const match = url ? /^https:\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc:(\d+)(\/[^?]*)?$/.exec(url) : null;
  return match ? { name: match[1]!, namespace: match[2]!, port: Number(match[3]), ...(match[4] ? { path: match[4] } : {}) } : undefined;
}

export function serviceSelector(cluster: AdmissionCluster, target: WebhookTarget | undefined): { service?: KubeObject; selector?: Record<string, string> } {
  if (!target?.service) return {};
  const service = findObject(cluster.services, target.service.namespace, target.service.name);
  const selector = (service?.spec as { selector?: Record<string, string> } | undefined)?.selector;
  return { service, ...(selector && Object.keys(selector).length ? { selector } : {}) };
}
