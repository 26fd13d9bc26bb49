// Static bearer tokens (kube-apiserver's --token-auth-file): the admin's
// token from the kubeconfig. Tokens are compared in constant time so a local
// process cannot learn one byte by byte.

import { timingSafeEqual } from 'node:crypto';
import type { UserInfo } from './user.ts';

export interface TokenAuthenticator {
  /**
   * The user, undefined when the token is not this authenticator's; throws when it is but does not hold.
   * `audiences`: who the token must be meant for (a TokenReview's spec.audiences); by default the API server.
   */
  authenticateToken(token: string, audiences?: string[]): Promise<UserInfo | undefined> | UserInfo | undefined;
}

export class StaticTokenAuthenticator implements TokenAuthenticator {
  private readonly tokens: Array<{ token: Buffer; user: UserInfo }> = [];

  add(token: string, user: UserInfo): void {
    this.tokens.push({ token: Buffer.from(token), user });
  }

  authenticateToken(token: string): UserInfo | undefined {
    const presented = Buffer.from(token);
    let found: UserInfo | undefined;
    for (const entry of this.tokens) {
      if (entry.token.length === presented.length && timingSafeEqual(entry.token, presented)) found = entry.user;
    }
    return found;
  }
}
