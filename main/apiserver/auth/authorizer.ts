// Authorization sits behind one interface so RBAC can replace the allow-all
// authorizer without touching the request path.

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
  reason: string;
}

export interface Authorizer {
  authorize(attrs: AuthorizationAttributes): Promise<Decision> | Decision;
}

/** Every authenticated request is allowed: PodLab's default until RBAC is enforced. */
export class AllowAllAuthorizer implements Authorizer {
  authorize(): Decision {
    return { allowed: true, reason: '' };
  }
}
