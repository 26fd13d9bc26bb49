// The default RBAC policy, made sure of at every start as kube-apiserver's
// rbac/bootstrap-roles post-start hook does (pkg/registry/rbac/reconciliation):
// missing roles and bindings are created; existing ones whose
// `rbac.authorization.kubernetes.io/autoupdate` annotation is not "false" get
// back any permission, aggregation selector, label or subject the defaults
// have and they lack (nothing a user added is removed).

import { covers } from '../apiserver/auth/rbac/policyComparator.ts';
import { rulesOf } from '../apiserver/auth/rbac/policyRule.ts';
import { autoupdateAnnotation, bootstrapClusterRoleBindings, bootstrapClusterRoles } from '../apiserver/auth/rbac/bootstrapPolicy.ts';
import { subjectsOf, roleRefOf } from '../apiserver/auth/rbac/ruleResolver.ts';
import { isApiError, type KubeClient, type ResourceClient } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';
import { deepEqual } from '../kube/deepEqual.ts';
import { rbacGroup } from '../apiserver/resources/shared/rbac.ts';
import { deepCopy } from '../kube/deepCopy.ts';

type Reconcile = (existing: KubeObject, expected: KubeObject) => KubeObject | 'recreate' | undefined;

/** Expected labels and annotations added; undefined when nothing was missing. */
function withMetadata(existing: KubeObject, expected: KubeObject): KubeObject {
  return {
    ...existing,
    metadata: {
      ...existing.metadata,
      labels: { ...expected.metadata.labels, ...existing.metadata.labels },
      annotations: { ...expected.metadata.annotations, ...existing.metadata.annotations },
    },
  };
}

const reconcileRole: Reconcile = (existing, expected) => {
  const role = withMetadata(existing, expected);
  const { missing } = covers(rulesOf(existing), rulesOf(expected));
  if (missing.length) role.rules = [...rulesOf(existing), ...missing];
  const selectorsOf = (r: KubeObject) => ((r.aggregationRule as { clusterRoleSelectors?: unknown[] } | undefined)?.clusterRoleSelectors ?? []);
  const missingSelectors = selectorsOf(expected).filter((s) => !selectorsOf(existing).some((e) => deepEqual(e, s)));
  if (missingSelectors.length) role.aggregationRule = { clusterRoleSelectors: [...selectorsOf(existing), ...missingSelectors] };
  return deepEqual(role, existing) ? undefined : role;
};

const reconcileBinding: Reconcile = (existing, expected) => {
  if (!deepEqual(roleRefOf(existing), roleRefOf(expected))) return 'recreate';
  const binding = withMetadata(existing, expected);
  const missing = subjectsOf(expected).filter((s) => !subjectsOf(existing).some((e) => e.kind === s.kind && e.name === s.name && (e.namespace ?? '') === (s.namespace ?? '')));
  if (missing.length) binding.subjects = [...subjectsOf(existing), ...missing];
  return deepEqual(binding, existing) ? undefined : binding;
};

async function ensure(objects: ResourceClient, expected: KubeObject, reconcile: Reconcile): Promise<void> {
  const name = expected.metadata.name!;
  let existing: KubeObject;
  try {
    existing = await objects.get(undefined, name);
  } catch (err) {
    if (!isApiError(err, 'NotFound')) throw err;
    await objects.create(undefined, deepCopy(expected));
    return;
  }
  if (existing.metadata.annotations?.[autoupdateAnnotation] === 'false') return;
  const reconciled = reconcile(existing, expected);
  if (reconciled === 'recreate') {
    await objects.delete(undefined, name);
    await objects.create(undefined, deepCopy(expected));
  } else if (reconciled) {
    await objects.update(undefined, reconciled);
  }
}

/** `between` runs after each object (a cluster's start lets waiting requests in there). */
export async function ensureBootstrapPolicy(client: KubeClient, between: () => Promise<unknown> = async () => undefined): Promise<void> {
  const clusterRoles = client.resource({ group: rbacGroup, version: 'v1', plural: 'clusterroles' });
  const clusterRoleBindings = client.resource({ group: rbacGroup, version: 'v1', plural: 'clusterrolebindings' });
  for (const role of bootstrapClusterRoles) {
    await ensure(clusterRoles, role, reconcileRole);
    await between();
  }
  for (const binding of bootstrapClusterRoleBindings) {
    await ensure(clusterRoleBindings, binding, reconcileBinding);
    await between();
  }
}
