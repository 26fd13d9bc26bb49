// The RBAC objects as stored, read straight from the registries at each
// decision: a RoleBinding written a moment ago counts for the very next
// request (Kubernetes reads an informer cache, and is only eventually so).
// Only users outside system:masters get here, so the reads stay few.

import type { ResourceRegistry } from '../../registry/registry.ts';
import { rbacGroup } from '../../resources/shared/rbac.ts';
import { getIfExists } from '../../storedObject.ts';
import type { RbacPolicySource } from './ruleResolver.ts';

export function storedPolicy(registryFor: (group: string, version: string, plural: string) => ResourceRegistry | undefined): RbacPolicySource {
  const registry = (plural: string) => {
    const found = registryFor(rbacGroup, 'v1', plural);
    if (!found) throw new Error(`the API serves no ${plural}.${rbacGroup}`);
    return found;
  };
  return {
    getRole: (namespace, name) => getIfExists(registry('roles'), namespace, name),
    getClusterRole: (name) => getIfExists(registry('clusterroles'), '', name),
    listRoleBindings: async (namespace) => (await registry('rolebindings').list(namespace)).items,
    listClusterRoleBindings: async () => (await registry('clusterrolebindings').list('')).items,
  };
}
