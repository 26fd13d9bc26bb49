// authorization.k8s.io/v1: the access reviews. They are only ever created:
// the answer comes back in the object's status and nothing is stored
// (reviews/ answers them).

import type { ResourceDefinition } from '../registry/resourceDefinition.ts';

export const authorizationGroup = 'authorization.k8s.io';

function review(kind: string, namespaced: boolean): ResourceDefinition {
  const singular = kind.toLowerCase();
  return { group: authorizationGroup, version: 'v1', kind, plural: `${singular}s`, singular, namespaced, subresources: [], verbs: ['create'], strategy: {} };
}

export const selfsubjectaccessreviews = review('SelfSubjectAccessReview', false);
export const subjectaccessreviews = review('SubjectAccessReview', false);
export const localsubjectaccessreviews = review('LocalSubjectAccessReview', true);
export const selfsubjectrulesreviews = review('SelfSubjectRulesReview', false);
