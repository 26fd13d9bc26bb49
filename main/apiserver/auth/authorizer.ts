// Authorization sits behind one interface (k8s.io/apiserver's
// authorizer.Authorizer): the request path asks it, and kube-apiserver's
// chain (the privileged group, then RBAC) answers.

import type { UserInfo } from './user.ts';

export interface AuthorizationAttributes {
  user: UserInfo;
  verb: string;
  /** Resource requests. */
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Non-resource requests (/version, /openapi/v2...). */
  path?: string;
  isResourceRequest: boolean;
}

export interface Decision {
  allowed: boolean;
  /** Why, when the authorizer says (`RBAC: allowed by ClusterRoleBinding ...`); on a denial it ends the 403 message. */
  reason: string;
  /** What went wrong evaluating the policy (a binding naming a missing role), as SubjectAccessReview reports it. */
  evaluationError?: string;
}

export interface Authorizer {
  authorize(attrs: AuthorizationAttributes): Promise<Decision> | Decision;
}

export interface ResourceRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface NonResourceRule {
  verbs: string[];
  nonResourceURLs?: string[];
}

/** What a user may do in a namespace, as a SelfSubjectRulesReview lists it (authorizer.RuleResolver). */
export interface RulesInfo {
  resourceRules: ResourceRule[];
  nonResourceRules: NonResourceRule[];
  incomplete: boolean;
  evaluationError?: string;
}

export interface RuleResolver {
  rulesFor(user: UserInfo, namespace: string): Promise<RulesInfo>;
}
