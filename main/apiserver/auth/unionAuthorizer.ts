// kube-apiserver's authorization chain: authorizers asked in order, the first
// that allows wins; when none does, the request is denied with every reason
// they gave (union.New).

import type { AuthorizationAttributes, Authorizer, Decision } from './authorizer.ts';
import { privilegedGroup } from './user.ts';

export class UnionAuthorizer implements Authorizer {
  constructor(private readonly authorizers: Authorizer[]) {}

  async authorize(attrs: AuthorizationAttributes): Promise<Decision> {
    const reasons: string[] = [];
    const evaluationErrors: string[] = [];
    for (const authorizer of this.authorizers) {
      const decision = await authorizer.authorize(attrs);
      if (decision.allowed) return decision;
      if (decision.reason) reasons.push(decision.reason);
      if (decision.evaluationError) evaluationErrors.push(decision.evaluationError);
    }
    return { allowed: false, reason: reasons.join('\n'), ...(evaluationErrors.length ? { evaluationError: evaluationErrors.join('\n') } : {}) };
  }
}

/**
 * Members of system:masters may do anything, whatever the RBAC objects say
 * (authorizerfactory.NewPrivilegedGroups): the admin can never lock itself out.
 */
export class PrivilegedGroupAuthorizer implements Authorizer {
  authorize(attrs: AuthorizationAttributes): Decision {
    return { allowed: attrs.user.groups.includes(privilegedGroup), reason: '' };
  }
}
