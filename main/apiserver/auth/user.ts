// Who is making a request, as Kubernetes' user.Info, and the well-known names
// of k8s.io/apiserver/pkg/authentication/user.

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  /** Extra attributes (a service account token's pod name, uid and credential id). */
  extra?: Record<string, string[]>;
}

/** The group whose members may do anything: kube-apiserver's privileged group, checked before RBAC. */
export const privilegedGroup = 'system:masters';
export const allAuthenticated = 'system:authenticated';
export const allUnauthenticated = 'system:unauthenticated';
export const anonymousUser = 'system:anonymous';

/** The cluster admin whose token goes into the kubeconfig (system:masters, as kind's admin). */
export const adminUser: UserInfo = { name: 'kubernetes-admin', groups: [privilegedGroup, allAuthenticated] };

/**
 * PodLab's own components (scheduler, controllers, the API server's own
 * bootstrap), calling in-process. They are members of system:masters: they
 * run inside PodLab's process, beside the admin's token and the cluster's
 * keys, so they are exactly as trusted as the admin, and no RBAC policy a
 * user writes (or deletes) may stop the cluster from running.
 */
export function componentUser(name: string): UserInfo {
  return { name, groups: [privilegedGroup, allAuthenticated] };
}

/** A node's kubelet, in-process too and privileged for the same reason as componentUser. */
export function nodeUser(nodeName: string): UserInfo {
  return { name: `system:node:${nodeName}`, groups: ['system:nodes', privilegedGroup, allAuthenticated] };
}
