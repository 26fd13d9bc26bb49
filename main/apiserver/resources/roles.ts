// Roles (rbac.authorization.k8s.io/v1): namespaced rules.

import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { createdAtTable } from './shared/columns.ts';
import { rbacGroup, validatePolicyRules } from './shared/rbac.ts';

export const roles: ResourceDefinition = {
  group: rbacGroup,
  version: 'v1',
  kind: 'Role',
  plural: 'roles',
  singular: 'role',
  namespaced: true,
  subresources: [],
  strategy: {
    validate: (role) => validatePolicyRules(role, true),
    table: createdAtTable,
  },
};
