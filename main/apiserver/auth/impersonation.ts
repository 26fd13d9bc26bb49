// Impersonation (the WithImpersonation filter): `kubectl --as=U --as-group=G`
// sends Impersonate-User / Impersonate-Group (and -Uid, -Extra-KEY) headers.
// The requester must be allowed the `impersonate` verb on each: users (or
// the service account, for `system:serviceaccount:NS:NAME`), groups, uids and
// userextras/KEY. The request then runs as the impersonated user.

import type { IncomingHttpHeaders } from 'node:http';
import { errors } from '../errors.ts';
import type { AuthorizationAttributes, Authorizer } from './authorizer.ts';
import { forbiddenError } from './forbidden.ts';
import { serviceAccountGroups, splitServiceAccountUsername } from './serviceAccountUser.ts';
import { allAuthenticated, allUnauthenticated, anonymousUser, type UserInfo } from './user.ts';

const extraPrefix = 'impersonate-extra-';

function headerValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

export function wantsImpersonation(headers: IncomingHttpHeaders): boolean {
  return Object.keys(headers).some((h) => h === 'impersonate-user' || h === 'impersonate-group' || h === 'impersonate-uid' || h.startsWith(extraPrefix));
}

/** The user the request acts as: the requester, or whom it impersonates once each impersonation is authorized. */
export async function impersonate(requester: UserInfo, headers: IncomingHttpHeaders, authorizer: Authorizer): Promise<UserInfo> {
  if (!wantsImpersonation(headers)) return requester;
  const username = headerValues(headers['impersonate-user'])[0];
  const groups = headerValues(headers['impersonate-group']);
  const uid = headerValues(headers['impersonate-uid'])[0];
  const extra: Record<string, string[]> = {};
  for (const [header, value] of Object.entries(headers)) {
    if (!header.startsWith(extraPrefix)) continue;
    extra[decodeURIComponent(header.slice(extraPrefix.length))] = headerValues(value);
  }
  if (!username) throw errors.badRequest('requested impersonation of groups, uid or extra fields without impersonating a user');

  const check = async (attrs: Omit<AuthorizationAttributes, 'user' | 'verb' | 'isResourceRequest'>) => {
    const full: AuthorizationAttributes = { user: requester, verb: 'impersonate', isResourceRequest: true, ...attrs };
    const decision = await authorizer.authorize(full);
    if (!decision.allowed) throw forbiddenError(full, decision.reason);
  };
  const sa = splitServiceAccountUsername(username);
  if (sa) await check({ group: '', resource: 'serviceaccounts', namespace: sa.namespace, name: sa.name });
  else await check({ group: '', resource: 'users', name: username });
  for (const group of groups) await check({ group: '', resource: 'groups', name: group });
  if (uid) await check({ group: 'authentication.k8s.io', resource: 'uids', name: uid });
  for (const [key, values] of Object.entries(extra)) {
    for (const value of values) await check({ group: 'authentication.k8s.io', resource: 'userextras', subresource: key, name: value });
  }

  // A service account's groups are known; they are its own unless groups were asked for.
  const impersonatedGroups = groups.length === 0 && sa ? serviceAccountGroups(sa.namespace) : [...groups];
  if (username === anonymousUser) {
    if (!impersonatedGroups.includes(allUnauthenticated)) impersonatedGroups.push(allUnauthenticated);
  } else if (!impersonatedGroups.includes(allAuthenticated) && !impersonatedGroups.includes(allUnauthenticated)) {
    impersonatedGroups.push(allAuthenticated);
  }
  return { name: username, groups: impersonatedGroups, ...(uid ? { uid } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
}
