// SelfSubjectRulesReview (`kubectl auth can-i --list`): every rule the
// requester holds in a namespace, from the rule resolver (RBAC). Only the
// status is answered, as kube-apiserver does.

import type { RuleResolver } from '../auth/authorizer.ts';
import type { CreateOnlyHandler } from '../createOnly.ts';
import { errors } from '../errors.ts';

export function selfSubjectRulesReviews(resolver: RuleResolver): CreateOnlyHandler {
  return {
    async create(user, review) {
      const namespace = (review.spec as { namespace?: string } | undefined)?.namespace ?? '';
      if (!namespace) throw errors.badRequest('no namespace on request');
      const rules = await resolver.rulesFor(user, namespace);
      return {
        metadata: { creationTimestamp: null } as never,
        spec: {},
        status: {
          resourceRules: rules.resourceRules,
          nonResourceRules: rules.nonResourceRules,
          incomplete: rules.incomplete,
          ...(rules.evaluationError ? { evaluationError: rules.evaluationError } : {}),
        },
      };
    },
  };
}
