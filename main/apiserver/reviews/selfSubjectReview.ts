// SelfSubjectReview (`kubectl auth whoami`): who the server takes the
// requester for, after authentication and impersonation.

import { kubeTimestamp } from '../../kube/time.ts';
import type { CreateOnlyHandler } from '../createOnly.ts';

export function selfSubjectReviews(now: () => Date): CreateOnlyHandler {
  return {
    create: (user, review) => ({
      metadata: { creationTimestamp: kubeTimestamp(now()) },
      status: {
        userInfo: {
          username: user.name,
          ...(user.uid ? { uid: user.uid } : {}),
          groups: user.groups,
          ...(user.extra && Object.keys(user.extra).length ? { extra: user.extra } : {}),
        },
      },
    }),
  };
}
