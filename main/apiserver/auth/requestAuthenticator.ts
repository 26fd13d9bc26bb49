// Who a request comes from: its client certificate when the cluster's CA
// signed it, else its bearer token, tried against each token authenticator in
// turn (the admin's static token, then service account JWTs), as
// kube-apiserver's union of authenticators does; every authenticated user put
// in system:authenticated, then any impersonation the headers ask for. No
// valid credential: 401, as kube-apiserver with --anonymous-auth=false answers.

import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { userFromClientCertificate } from './clientCertificate.ts';
import { errors } from '../errors.ts';
import type { Authorizer } from './authorizer.ts';
import { impersonate } from './impersonation.ts';
import type { TokenAuthenticator } from './tokenAuthenticator.ts';
import { allAuthenticated, type UserInfo } from './user.ts';

/** Who the request acts as, how the credential was presented, and who asked when it impersonates. */
export interface Authentication {
  user: UserInfo;
  method: 'x509 client certificate' | 'bearer token';
  impersonatedBy?: string;
}

export class RequestAuthenticator {
  constructor(
    private readonly tokens: TokenAuthenticator[],
    /** Decides impersonation (the same chain as every request). */
    private readonly authorizer: Authorizer,
  ) {}

  private async fromToken(authorization: string | undefined): Promise<UserInfo | undefined> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return undefined;
    for (const authenticator of this.tokens) {
      try {
        const user = await authenticator.authenticateToken(match[1]!);
        if (user) return user.groups.includes(allAuthenticated) ? user : { ...user, groups: [...user.groups, allAuthenticated] };
      } catch {
        // A token one authenticator rejects is rejected: the client only learns "Unauthorized".
        return undefined;
      }
    }
    return undefined;
  }

  /** The user the request acts as; throws 401 for no or a bad credential, 403 for a forbidden impersonation. */
  async authenticate(headers: IncomingHttpHeaders, socket?: Socket): Promise<UserInfo> {
    return (await this.authenticateRequest(headers, socket)).user;
  }

  /** authenticate, telling also how (the pod journey shows it). */
  async authenticateRequest(headers: IncomingHttpHeaders, socket?: Socket): Promise<Authentication> {
    const certified = socket ? userFromClientCertificate(socket) : undefined;
    const user = certified ? { ...certified, groups: [...certified.groups, allAuthenticated] } : await this.fromToken(headers.authorization);
    if (!user) throw errors.unauthorized();
    const method = certified ? 'x509 client certificate' : 'bearer token';
    const actingAs = await impersonate(user, headers, this.authorizer);
    return actingAs === user ? { user, method } : { user: actingAs, method, impersonatedBy: user.name };
  }
}
