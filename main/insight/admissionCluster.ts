// What the admission rules check a refusal against: the cluster's webhook
// configurations and, for a webhook reached through a Service, that Service,
// its EndpointSlices, the pods and Deployments behind it; the policies,
// bindings and parameter objects; the namespaces. Gathered once (main/ui)
// so the rules stay pure. A list the user may not read is simply empty.

import type { KubeObject } from '../kube/meta.ts';
import type { MutatingWebhook, ValidatingWebhook } from '../kube/types/admissionregistration-v1.ts';
import type { Refusal } from './admissionRefusal.ts';
import { webhookPlugin } from './admissionRefusal.ts';

export interface AdmissionCluster {
  /** Mutating- and ValidatingWebhookConfigurations, each with its kind. */
  webhookConfigurations: KubeObject[];
  services: KubeObject[];
  endpointSlices: KubeObject[];
  pods: KubeObject[];
  deployments: KubeObject[];
  replicaSets: KubeObject[];
  namespaces: KubeObject[];
  policies: KubeObject[];
  bindings: KubeObject[];
  /** Parameter objects the bindings of refusing policies name. */
  params: KubeObject[];
}

export const emptyCluster: AdmissionCluster = { webhookConfigurations: [], services: [], endpointSlices: [], pods: [], deployments: [], replicaSets: [], namespaces: [], policies: [], bindings: [], params: [] };

export interface FoundWebhook {
  configuration: string;
  configurationKind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';
  /** Its index in the configuration's webhooks (for a JSON patch). */
  index: number;
  hook: MutatingWebhook | ValidatingWebhook;
}

/** The webhook of that name: in the named configuration when the memory says which, else the first configuration that has it. */
export function findWebhook(cluster: AdmissionCluster, name: string, configuration?: string, configurationKind?: string): FoundWebhook | undefined {
  for (const config of cluster.webhookConfigurations) {
    if (configuration && config.metadata.name !== configuration) continue;
    if (configurationKind && config.kind !== configurationKind) continue;
    const hooks = ((config as unknown as { webhooks?: Array<MutatingWebhook | ValidatingWebhook> }).webhooks ?? []);
    const index = hooks.findIndex((h) => h.name === name);
    if (index >= 0) return { configuration: config.metadata.name ?? '', configurationKind: config.kind as FoundWebhook['configurationKind'], index, hook: hooks[index]! };
  }
  return undefined;
}

/** A refusal by a webhook named in its message, completed with the configuration that holds it. */
export function withWebhookSource(refusal: Refusal, cluster: AdmissionCluster): Refusal {
  const cause = refusal.cause;
  if (cause.stage !== 'webhook' || cause.configuration) return refusal;
  const found = findWebhook(cluster, cause.webhook);
  if (!found) return refusal;
  return { ...refusal, plugin: webhookPlugin(found.configurationKind), cause: { ...cause, configuration: found.configuration, configurationKind: found.configurationKind } };
}

export function findObject(objects: KubeObject[], namespace: string | undefined, name: string): KubeObject | undefined {
  return objects.find((o) => o.metadata.name === name && (namespace === undefined || (o.metadata.namespace ?? '') === namespace));
}

export function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

export function selectorText(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
