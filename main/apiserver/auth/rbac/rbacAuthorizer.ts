// The RBAC authorizer (plugin/pkg/auth/authorizer/rbac): allows a request when
// one rule that applies to the user allows it; otherwise it has no opinion,
// with the errors met (a binding to a missing role) as the reason. It is also
// the rule resolver SelfSubjectRulesReview lists from.

import type { AuthorizationAttributes, Authorizer, Decision, NonResourceRule, ResourceRule, RuleResolver as RulesLister, RulesInfo } from '../authorizer.ts';
import type { UserInfo } from '../user.ts';
import { ruleAllows } from './policyRule.ts';
import { aggregateErrors, RuleResolver, type RbacPolicySource } from './ruleResolver.ts';

export class RbacAuthorizer implements Authorizer, RulesLister {
  readonly resolver: RuleResolver;

  constructor(source: RbacPolicySource) {
    this.resolver = new RuleResolver(source);
  }

  async authorize(attrs: AuthorizationAttributes): Promise<Decision> {
    let allowedBy: string | undefined;
    const errors: string[] = [];
    await this.resolver.visitRulesFor(attrs.user, attrs.namespace ?? '', (source, rule, error) => {
      if (rule && ruleAllows(attrs, rule)) {
        allowedBy = source;
        return false;
      }
      if (error) errors.push(error);
      return true;
    });
    if (allowedBy !== undefined) return { allowed: true, reason: `RBAC: allowed by ${allowedBy}` };
    if (errors.length === 0) return { allowed: false, reason: '' };
    const evaluationError = aggregateErrors(errors);
    return { allowed: false, reason: `RBAC: ${evaluationError}`, evaluationError };
  }

  async rulesFor(user: UserInfo, namespace: string): Promise<RulesInfo> {
    const { rules, errors } = await this.resolver.rulesFor(user, namespace);
    const resourceRules: ResourceRule[] = [];
    const nonResourceRules: NonResourceRule[] = [];
    for (const rule of rules) {
      if (rule.resources?.length) {
        resourceRules.push({ verbs: rule.verbs, apiGroups: rule.apiGroups ?? [], resources: rule.resources, ...(rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {}) });
      }
      if (rule.nonResourceURLs?.length) nonResourceRules.push({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs });
    }
    return { resourceRules, nonResourceRules, incomplete: false, ...(errors.length ? { evaluationError: aggregateErrors(errors) } : {}) };
  }
}
