// ClusterRoleBindings (rbac.authorization.k8s.io/v1): subjects bound to a
// ClusterRole cluster-wide; the roleRef never changes.

import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { bindingTable, defaultBinding, rbacGroup, validateBinding, validateRoleRefUnchanged } from './shared/rbac.ts';

export const clusterrolebindings: ResourceDefinition = {
  group: rbacGroup,
  version: 'v1',
  kind: 'ClusterRoleBinding',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  subresources: [],
  strategy: {
    applyDefaults: defaultBinding,
    validate: (binding) => validateBinding(binding, false),
    validateUpdate: (binding, old) => [...validateBinding(binding, false), ...validateRoleRefUnchanged(binding, old)],
    table: bindingTable('clusterRoleBinding'),
  },
};
