// Which rules apply to a user in a namespace (pkg/registry/rbac/validation's
// DefaultRuleResolver): the ClusterRoles of every ClusterRoleBinding naming
// the user, one of its groups or its service account, then, in a namespace,
// the Roles and ClusterRoles of that namespace's RoleBindings. A binding whose
// role is missing contributes an error instead of rules; rules are additive,
// so the others still count.

import type { KubeObject } from '../../../kube/meta.ts';
import { splitServiceAccountUsername } from '../serviceAccountUser.ts';
import type { UserInfo } from '../user.ts';
import { rulesOf, type PolicyRule } from './policyRule.ts';

/** Where the RBAC objects are read from: the API's storage, or fixed lists in tests. */
export interface RbacPolicySource {
  getRole(namespace: string, name: string): Promise<KubeObject | undefined>;
  getClusterRole(name: string): Promise<KubeObject | undefined>;
  listRoleBindings(namespace: string): Promise<KubeObject[]>;
  listClusterRoleBindings(): Promise<KubeObject[]>;
}

export interface Subject {
  kind: string;
  name: string;
  namespace?: string;
  apiGroup?: string;
}

export interface RoleRef {
  kind: string;
  name: string;
  apiGroup?: string;
}

/** Called with each applying rule and the binding it comes from, or with an error; returning false stops the walk. */
export type RuleVisitor = (source: string | undefined, rule: PolicyRule | undefined, error: string | undefined) => boolean;

export function subjectsOf(binding: KubeObject): Subject[] {
  return Array.isArray(binding.subjects) ? (binding.subjects as Subject[]) : [];
}

export function roleRefOf(binding: KubeObject): RoleRef {
  return (binding.roleRef ?? { kind: '', name: '' }) as RoleRef;
}

function appliesToUser(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      // A RoleBinding may leave its service accounts' namespace out: it is the binding's own.
      const saNamespace = subject.namespace || namespace;
      if (!saNamespace) return false;
      const sa = splitServiceAccountUsername(user.name);
      return sa !== undefined && sa.namespace === saNamespace && sa.name === subject.name;
    }
    default:
      return false;
  }
}

/** The first subject of the binding that is this user, if any. */
export function applyingSubject(user: UserInfo, binding: KubeObject, namespace: string): Subject | undefined {
  return subjectsOf(binding).find((s) => appliesToUser(user, s, namespace));
}

function describeSubject(subject: Subject, bindingNamespace: string): string {
  if (subject.kind === 'ServiceAccount') return `${subject.kind} "${subject.name}/${subject.namespace || bindingNamespace}"`;
  return `${subject.kind} "${subject.name}"`;
}

export class RuleResolver {
  constructor(private readonly source: RbacPolicySource) {}

  /** The rules a binding's roleRef names, or the error Kubernetes' listers give for a missing role. */
  async roleReferenceRules(roleRef: RoleRef, bindingNamespace: string): Promise<{ rules: PolicyRule[] } | { error: string }> {
    switch (roleRef.kind) {
      case 'Role': {
        const role = await this.source.getRole(bindingNamespace, roleRef.name);
        return role ? { rules: rulesOf(role) } : { error: `role.rbac.authorization.k8s.io "${roleRef.name}" not found` };
      }
      case 'ClusterRole': {
        const role = await this.source.getClusterRole(roleRef.name);
        return role ? { rules: rulesOf(role) } : { error: `clusterrole.rbac.authorization.k8s.io "${roleRef.name}" not found` };
      }
      default:
        return { error: `unsupported role reference kind: "${roleRef.kind}"` };
    }
  }

  async visitRulesFor(user: UserInfo, namespace: string, visit: RuleVisitor): Promise<void> {
    for (const binding of await this.source.listClusterRoleBindings()) {
      const subject = applyingSubject(user, binding, '');
      if (!subject) continue;
      const roleRef = roleRefOf(binding);
      const resolved = await this.roleReferenceRules(roleRef, '');
      if ('error' in resolved) {
        if (!visit(undefined, undefined, resolved.error)) return;
        continue;
      }
      const source = `ClusterRoleBinding "${binding.metadata.name}" of ${roleRef.kind} "${roleRef.name}" to ${describeSubject(subject, '')}`;
      for (const rule of resolved.rules) if (!visit(source, rule, undefined)) return;
    }
    if (!namespace) return;
    for (const binding of await this.source.listRoleBindings(namespace)) {
      const subject = applyingSubject(user, binding, namespace);
      if (!subject) continue;
      const roleRef = roleRefOf(binding);
      const resolved = await this.roleReferenceRules(roleRef, namespace);
      if ('error' in resolved) {
        if (!visit(undefined, undefined, resolved.error)) return;
        continue;
      }
      const source = `RoleBinding "${binding.metadata.name}/${namespace}" of ${roleRef.kind} "${roleRef.name}" to ${describeSubject(subject, namespace)}`;
      for (const rule of resolved.rules) if (!visit(source, rule, undefined)) return;
    }
  }

  /** Every rule that applies, and the errors met on the way (the rules are still complete but for those). */
  async rulesFor(user: UserInfo, namespace: string): Promise<{ rules: PolicyRule[]; errors: string[] }> {
    const rules: PolicyRule[] = [];
    const errors: string[] = [];
    await this.visitRulesFor(user, namespace, (_source, rule, error) => {
      if (rule) rules.push(rule);
      if (error) errors.push(error);
      return true;
    });
    return { rules, errors };
  }
}

/** utilerrors.NewAggregate's text: one error as is, several in brackets. */
export function aggregateErrors(errors: string[]): string {
  return errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`;
}
