// ValidatingAdmissionPolicies (admissionregistration.k8s.io/v1, cluster-scoped):
// CEL validations the ValidatingAdmissionPolicy plugin runs for their bindings.
// status (typeChecking, conditions) is written through its subresource only.

import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { defaultPolicy, policyTable, validatePolicy } from './shared/admissionPolicies.ts';

export const validatingadmissionpolicies: ResourceDefinition = {
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  kind: 'ValidatingAdmissionPolicy',
  plural: 'validatingadmissionpolicies',
  singular: 'validatingadmissionpolicy',
  namespaced: false,
  categories: ['api-extensions'],
  subresources: ['status'],
  strategy: {
    applyDefaults: defaultPolicy,
    prepareForCreate: (policy) => {
      delete policy.status;
    },
    validate: validatePolicy,
    validateStatusUpdate: () => [],
    table: policyTable,
  },
};
