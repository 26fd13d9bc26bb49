// authentication.k8s.io/v1 SelfSubjectReview (`kubectl auth whoami`) and
// TokenReview: created only, answered with a user's info, never stored.

import type { ResourceDefinition } from '../registry/resourceDefinition.ts';

export const authenticationGroup = 'authentication.k8s.io';

export const selfsubjectreviews: ResourceDefinition = {
  group: authenticationGroup,
  version: 'v1',
  kind: 'SelfSubjectReview',
  plural: 'selfsubjectreviews',
  singular: 'selfsubjectreview',
  namespaced: false,
  subresources: [],
  verbs: ['create'],
  strategy: {},
};

/** TokenReview: who a bearer token stands for, asked by webhooks and proxies (`system:auth-delegator`). */
export const tokenreviews: ResourceDefinition = {
  group: authenticationGroup,
  version: 'v1',
  kind: 'TokenReview',
  plural: 'tokenreviews',
  singular: 'tokenreview',
  namespaced: false,
  subresources: [],
  verbs: ['create'],
  strategy: {},
};
