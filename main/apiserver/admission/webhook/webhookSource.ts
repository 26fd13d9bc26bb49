// The webhooks of every Mutating- or ValidatingWebhookConfiguration, in the
// order kube-apiserver calls them: configurations sorted by name, each one's
// webhooks in their order.

import type { KubeObject } from '../../../kube/meta.ts';
import type { MutatingWebhook, ValidatingWebhook } from '../../../kube/types/admissionregistration-v1.ts';

export type Webhook = (MutatingWebhook | ValidatingWebhook) & { reinvocationPolicy?: string };

export interface ConfiguredWebhook {
  configuration: string;
  hook: Webhook;
  /** Unique across configurations (two configurations may reuse a webhook name). */
  key: string;
}

export type ConfigurationLister = () => Promise<readonly KubeObject[]>;

export async function configuredWebhooks(list: ConfigurationLister): Promise<ConfiguredWebhook[]> {
  const configurations = [...(await list())].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  return configurations.flatMap((config) =>
    ((config as unknown as { webhooks?: Webhook[] }).webhooks ?? []).map((hook, i) => ({ configuration: config.metadata.name ?? '', hook, key: `${config.metadata.name}/${i}/${hook.name}` })),
  );
}
