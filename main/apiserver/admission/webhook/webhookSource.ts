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

/** The configurations, at once when they are in memory (registry.peekListShared). */
export type ConfigurationLister = () => readonly KubeObject[] | Promise<readonly KubeObject[]>;

/** The webhooks of a list of configurations, worked out once per list (the registry hands out the same list until one changes). */
const webhooksOf = new WeakMap<readonly KubeObject[], ConfiguredWebhook[]>();

function webhooksIn(list: readonly KubeObject[]): ConfiguredWebhook[] {
  let hooks = webhooksOf.get(list);
  if (!hooks) {
    const configurations = [...list].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
    hooks = configurations.flatMap((config) =>
      ((config as unknown as { webhooks?: Webhook[] }).webhooks ?? []).map((hook, i) => ({ configuration: config.metadata.name ?? '', hook, key: `${config.metadata.name}/${i}/${hook.name}` })),
    );
    webhooksOf.set(list, hooks);
  }
  return hooks;
}

/** The configured webhooks, at once when the configurations are in memory. */
export function configuredWebhooks(list: ConfigurationLister): readonly ConfiguredWebhook[] | Promise<readonly ConfiguredWebhook[]> {
  const configurations = list();
  return configurations instanceof Promise ? configurations.then(webhooksIn) : webhooksIn(configurations);
}
