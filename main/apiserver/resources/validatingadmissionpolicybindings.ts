// ValidatingAdmissionPolicyBindings (admissionregistration.k8s.io/v1, cluster-scoped):
// which requests a policy applies to, with which parameters, and what a
// failed validation does (Deny, Warn, Audit).

import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { bindingTable, defaultBinding, validateBinding } from './shared/admissionPolicies.ts';

export const validatingadmissionpolicybindings: ResourceDefinition = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  plural: 'validatingadmissionpolicybindings',
  singular: 'validatingadmissionpolicybinding',
  namespaced: false,
  categories: ['api-extensions'],
  subresources: [],
  strategy: {
    applyDefaults: defaultBinding,
    validate: validateBinding,
    table: bindingTable,
  },
};
