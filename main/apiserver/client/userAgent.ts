// The User-Agent each of PodLab's own components sends, shaped as client-go
// shapes its components' (`kube-controller-manager/v1.32.0 (linux/amd64)
// kubernetes/podlab`): the API server names a write's field manager after the
// product before the first '/', so `kubectl get --show-managed-fields` shows
// kube-controller-manager, kube-scheduler and kubelet where a real cluster does.

import type { UserInfo } from '../auth/user.ts';

const version = 'v1.32.0';
const platform = `(${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch})`;

/** The Kubernetes component whose work a PodLab user does. */
function productOf(user: UserInfo): string {
  const name = user.name;
  if (name.startsWith('system:node:')) return 'kubelet';
  switch (name) {
    case 'system:kube-controller-manager':
    case 'node-controller':
      return 'kube-controller-manager';
    case 'system:kube-scheduler':
      return 'kube-scheduler';
    case 'system:kube-proxy':
      return 'kube-proxy';
    case 'system:apiserver':
      return 'kube-apiserver';
    // PodLab's node manager registers nodes and the UI acts for its user: both are PodLab itself.
    default:
      return 'podlab';
  }
}

export function componentUserAgent(user: UserInfo): string {
  return `${productOf(user)}/${version} ${platform} kubernetes/podlab`;
}
