// RoleBindings (rbac.authorization.k8s.io/v1): subjects bound to a Role or
// ClusterRole in one namespace; the roleRef never changes.

import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { bindingTable, defaultBinding, rbacGroup, validateBinding, validateRoleRefUnchanged } from './shared/rbac.ts';

export const rolebindings: ResourceDefinition = {
  group: rbacGroup,
  version: 'v1',
  kind: 'RoleBinding',
  plural: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  subresources: [],
  strategy: {
    applyDefaults: defaultBinding,
    validate: (binding) => validateBinding(binding, true),
    validateUpdate: (binding, old) => [...validateBinding(binding, true), ...validateRoleRefUnchanged(binding, old)],
    table: bindingTable('roleBinding'),
  },
};
