// Who is making a request, as Kubernetes' user.Info.

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
}

/** The cluster admin whose token goes into the kubeconfig (system:masters, as kind's admin). */
export const adminUser: UserInfo = { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };

/** PodLab's own components, calling in-process. */
export function componentUser(name: string): UserInfo {
  return { name, groups: ['system:authenticated'] };
}

export function nodeUser(nodeName: string): UserInfo {
  return { name: `system:node:${nodeName}`, groups: ['system:nodes', 'system:authenticated'] };
}
