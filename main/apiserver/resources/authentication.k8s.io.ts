// authentication.k8s.io/v1 SelfSubjectReview (`kubectl auth whoami`): created
// only, answered with the requester's user info, never stored.

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
