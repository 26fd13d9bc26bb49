// ValidatingWebhookConfigurations (admissionregistration.k8s.io/v1, cluster-scoped):
// the webhooks the validating admission webhook plugin calls.

import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { defaultWebhooks, validateWebhookConfiguration, webhookConfigurationTable } from './shared/webhookConfigurations.ts';

export const validatingwebhookconfigurations: ResourceDefinition = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingWebhookConfiguration',
  plural: 'validatingwebhookconfigurations',
  singular: 'validatingwebhookconfiguration',
  namespaced: false,
  categories: ['api-extensions'],
  subresources: [],
  strategy: {
    applyDefaults: (config) => defaultWebhooks(config, false),
    validate: (config) => validateWebhookConfiguration(config, false),
    table: webhookConfigurationTable,
  },
};
