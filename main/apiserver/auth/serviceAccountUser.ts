// The user a service account acts as (k8s.io/apiserver/pkg/authentication/serviceaccount):
// `system:serviceaccount:NS:NAME` in the groups `system:serviceaccounts` and
// `system:serviceaccounts:NS`, with the bound pod in its extra attributes.

import { allAuthenticated, type UserInfo } from './user.ts';

const prefix = 'system:serviceaccount:';
export const allServiceAccountsGroup = 'system:serviceaccounts';

export const extraKeys = {
  podName: 'authentication.kubernetes.io/pod-name',
  podUid: 'authentication.kubernetes.io/pod-uid',
  nodeName: 'authentication.kubernetes.io/node-name',
  nodeUid: 'authentication.kubernetes.io/node-uid',
  credentialId: 'authentication.kubernetes.io/credential-id',
};

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${prefix}${namespace}:${name}`;
}

/** The namespace and name in `system:serviceaccount:NS:NAME`, or undefined for any other user name. */
export function splitServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(prefix)) return undefined;
  const parts = username.slice(prefix.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

export function serviceAccountGroups(namespace: string): string[] {
  return [allServiceAccountsGroup, `${allServiceAccountsGroup}:${namespace}`];
}

export interface ServiceAccountInfo {
  namespace: string;
  name: string;
  uid: string;
  podName?: string;
  podUid?: string;
  nodeName?: string;
  nodeUid?: string;
  credentialId?: string;
}

/** ServiceAccountInfo.UserInfo(), with system:authenticated as the authenticator adds it. */
export function serviceAccountUserInfo(sa: ServiceAccountInfo): UserInfo {
  const extra: Record<string, string[]> = {};
  if (sa.podName) extra[extraKeys.podName] = [sa.podName];
  if (sa.podUid) extra[extraKeys.podUid] = [sa.podUid];
  if (sa.nodeName) extra[extraKeys.nodeName] = [sa.nodeName];
  if (sa.nodeUid) extra[extraKeys.nodeUid] = [sa.nodeUid];
  if (sa.credentialId) extra[extraKeys.credentialId] = [sa.credentialId];
  return {
    name: serviceAccountUsername(sa.namespace, sa.name),
    uid: sa.uid,
    groups: [...serviceAccountGroups(sa.namespace), allAuthenticated],
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}
