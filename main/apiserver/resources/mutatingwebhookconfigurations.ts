// MutatingWebhookConfigurations (admissionregistration.k8s.io/v1, cluster-scoped):
// the webhooks the mutating admission webhook plugin calls.

import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { defaultWebhooks, validateWebhookConfiguration, webhookConfigurationTable } from './shared/webhookConfigurations.ts';

export const mutatingwebhookconfigurations: ResourceDefinition = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'MutatingWebhookConfiguration',
  plural: 'mutatingwebhookconfigurations',
  singular: 'mutatingwebhookconfiguration',
  namespaced: false,
  categories: ['api-extensions'],
  subresources: [],
  strategy: {
    applyDefaults: (config) => defaultWebhooks(config, true),
    validate: (config) => validateWebhookConfiguration(config, true),
    table: webhookConfigurationTable,
  },
};
