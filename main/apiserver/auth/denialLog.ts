// The API server's memory of recent authorization denials, like the tail of
// an audit log: per user, the last few distinct 403s with how often and when
// they happened, so the debugger can say "this pod's service account was
// denied". Kept in memory only (never in the store), bounded per user and in
// users. A denial is marked resolved once the same request is allowed again.

import type { AuthorizationAttributes, Authorizer, Decision } from './authorizer.ts';
import { forbiddenError, forbiddenMessage } from './forbidden.ts';
import { extraKeys } from './serviceAccountUser.ts';

export interface AuthorizationDenial {
  user: string;
  /** The 403's message, exactly as the client got it. */
  message: string;
  verb: string;
  isResourceRequest: boolean;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  path?: string;
  /** The pod a service account token was bound to, when it was. */
  pod?: string;
  count: number;
  firstAt: string;
  lastAt: string;
  /** When the same request was next allowed: the denial no longer holds. */
  resolvedAt?: string;
}

export interface DenialLogOptions {
  perUser?: number;
  users?: number;
  now?: () => Date;
}

function keyOf(attrs: AuthorizationAttributes): string {
  return `${forbiddenMessage(attrs)}\0${attrs.user.extra?.[extraKeys.podName]?.[0] ?? ''}`;
}

export class DenialLog {
  private readonly byUser = new Map<string, Map<string, AuthorizationDenial>>();
  private readonly perUser: number;
  private readonly users: number;
  private readonly now: () => Date;

  constructor(options: DenialLogOptions = {}) {
    this.perUser = options.perUser ?? 20;
    this.users = options.users ?? 256;
    this.now = options.now ?? (() => new Date());
  }

  denied(attrs: AuthorizationAttributes, reason: string): void {
    const at = this.now().toISOString();
    const user = attrs.user.name;
    let entries = this.byUser.get(user);
    if (entries) this.byUser.delete(user);
    else entries = new Map();
    // Most recently denied users and entries go last; the oldest are dropped first.
    this.byUser.set(user, entries);
    if (this.byUser.size > this.users) this.byUser.delete(this.byUser.keys().next().value!);
    const key = keyOf(attrs);
    const existing = entries.get(key);
    entries.delete(key);
    const pod = attrs.user.extra?.[extraKeys.podName]?.[0];
    entries.set(key, {
      user,
      message: forbiddenError(attrs, reason).message,
      verb: attrs.verb,
      isResourceRequest: attrs.isResourceRequest,
      ...(attrs.isResourceRequest
        ? { group: attrs.group ?? '', resource: attrs.resource ?? '', subresource: attrs.subresource ?? '', namespace: attrs.namespace ?? '', name: attrs.name ?? '' }
        : { path: attrs.path ?? '' }),
      ...(pod ? { pod } : {}),
      count: (existing && !existing.resolvedAt ? existing.count : 0) + 1,
      firstAt: existing && !existing.resolvedAt ? existing.firstAt : at,
      lastAt: at,
    });
    if (entries.size > this.perUser) entries.delete(entries.keys().next().value!);
  }

  allowed(attrs: AuthorizationAttributes): void {
    const entry = this.byUser.get(attrs.user.name)?.get(keyOf(attrs));
    if (entry && !entry.resolvedAt) entry.resolvedAt = this.now().toISOString();
  }

  /** The user's recent denials, newest first. */
  recent(user: string): AuthorizationDenial[] {
    return [...(this.byUser.get(user)?.values() ?? [])].reverse().map((d) => ({ ...d }));
  }

  /** The authorizer the request path uses: the same decisions, remembered. */
  recording(authorizer: Authorizer): Authorizer {
    return {
      authorize: async (attrs: AuthorizationAttributes): Promise<Decision> => {
        const decision = await authorizer.authorize(attrs);
        if (decision.allowed) this.allowed(attrs);
        else this.denied(attrs, decision.reason);
        return decision;
      },
    };
  }
}
