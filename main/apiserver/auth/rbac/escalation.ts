// RBAC escalation prevention (pkg/registry/rbac): nobody grants, through a
// Role, ClusterRole or binding, a permission they do not hold themselves,
// unless they may `escalate` roles or `bind` the role in question.
// system:masters is exempt: the API server's own loopback clients are in it.

import type { Authorizer } from '../authorizer.ts';
import { privilegedGroup, type UserInfo } from '../user.ts';
import { compactRules, compactString, covers, goQuotedList } from './policyComparator.ts';
import type { PolicyRule } from './policyRule.ts';
import type { RoleRef, RuleResolver } from './ruleResolver.ts';
import { rbacGroup } from '../../resources/shared/rbac.ts';

/** Everything: what aggregating ClusterRoles requires, since a selector can gather any rule. */
export const fullAuthority: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

export class EscalationCheck {
  constructor(
    private readonly authorizer: Authorizer,
    private readonly resolver: RuleResolver,
  ) {}

  /** EscalationAllowed: the privileged group may grant anything. */
  escalationAllowed(user: UserInfo): boolean {
    return user.groups.includes(privilegedGroup);
  }

  /** RoleEscalationAuthorized: the `escalate` verb on this role. */
  async roleEscalationAuthorized(user: UserInfo, resource: 'roles' | 'clusterroles', namespace: string, name: string): Promise<boolean> {
    const decision = await this.authorizer.authorize({ user, verb: 'escalate', group: rbacGroup, version: '*', resource, namespace, name, isResourceRequest: true });
    return decision.allowed;
  }

  /** BindingAuthorized: the `bind` verb on the referenced role, in the binding's namespace ('' for ClusterRoleBindings). */
  async bindingAuthorized(user: UserInfo, roleRef: RoleRef, bindingNamespace: string): Promise<boolean> {
    const resource = roleRef.kind === 'ClusterRole' ? 'clusterroles' : roleRef.kind === 'Role' ? 'roles' : undefined;
    if (!resource) return false;
    const decision = await this.authorizer.authorize({ user, verb: 'bind', group: roleRef.apiGroup ?? rbacGroup, resource, namespace: bindingNamespace, name: roleRef.name, isResourceRequest: true });
    return decision.allowed;
  }

  /** ConfirmNoEscalation: undefined when the user's own rules in `namespace` cover `rules`, else the error's text. */
  async confirmNoEscalation(user: UserInfo, namespace: string, rules: PolicyRule[]): Promise<string | undefined> {
    const owned = await this.resolver.rulesFor(user, namespace);
    const { covered, missing } = covers(owned.rules, rules);
    if (covered) return undefined;
    const descriptions = [...new Set(compactRules(missing).map(compactString))].sort();
    let message = `user "${user.name}" (groups=${goQuotedList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${descriptions.join('\n')}`;
    if (owned.errors.length) message += `; resolution errors: [${owned.errors.length === 1 ? owned.errors[0] : `[${owned.errors.join(', ')}]`}]`;
    return message;
  }
}
