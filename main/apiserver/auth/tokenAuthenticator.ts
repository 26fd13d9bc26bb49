// Bearer-token authentication (kube-apiserver's --token-auth-file). Tokens are
// compared in constant time so a local process cannot learn one byte by byte.

import { timingSafeEqual } from 'node:crypto';
import type { UserInfo } from './user.ts';

export class TokenAuthenticator {
  private readonly tokens: Array<{ token: Buffer; user: UserInfo }> = [];

  add(token: string, user: UserInfo): void {
    this.tokens.push({ token: Buffer.from(token), user });
  }

  /** The user for an `Authorization` header value, or undefined (→ 401). */
  authenticate(authorization: string | undefined): UserInfo | undefined {
    if (!authorization) return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return undefined;
    const presented = Buffer.from(match[1]);
    let found: UserInfo | undefined;
    for (const { token, user } of this.tokens) {
      if (token.length === presented.length && timingSafeEqual(token, presented)) found = user;
    }
    return found;
  }
}
