// The container's effective security settings (its own over the pod's, as
// securitycontext.DetermineEffectiveSecurityContext) and the runAsNonRoot
// check the kubelet makes against the image's user before creating it.

import type { SecurityContext as RuntimeSecurityContext } from '../runtime/runtime.ts';
import { formatPod, type Container, type Pod, type SecurityContext } from './types.ts';

export function effectiveSecurityContext(pod: Pod, container: Container): SecurityContext {
  const podContext = pod.spec.securityContext ?? {};
  const own = container.securityContext ?? {};
  const effective: SecurityContext = { ...own };
  if (effective.runAsUser === undefined && podContext.runAsUser !== undefined) effective.runAsUser = podContext.runAsUser;
  if (effective.runAsGroup === undefined && podContext.runAsGroup !== undefined) effective.runAsGroup = podContext.runAsGroup;
  if (effective.runAsNonRoot === undefined && podContext.runAsNonRoot !== undefined) effective.runAsNonRoot = podContext.runAsNonRoot;
  return effective;
}

/** The image's USER as the kubelet's getImageUser reads it: a numeric uid, or a name it cannot check. */
export function imageUser(user: string | undefined): { uid?: number; username?: string } {
  const name = (user ?? '').split(':')[0] ?? '';
  if (name === '') return { uid: 0 };
  return /^\d+$/.test(name) ? { uid: Number(name) } : { username: name };
}

/** verifyRunAsNonRoot: undefined when the container may start, else the kubelet's error message. */
export function runAsNonRootViolation(pod: Pod, container: Container, imageUserSpec: string | undefined): string | undefined {
  const effective = effectiveSecurityContext(pod, container);
  if (!effective.runAsNonRoot) return undefined;
  if (effective.runAsUser !== undefined) {
    return effective.runAsUser === 0 ? `container's runAsUser breaks non-root policy (pod: "${formatPod(pod)}", container: ${container.name})` : undefined;
  }
  const { uid, username } = imageUser(imageUserSpec);
  if (uid === 0) return `container has runAsNonRoot and image will run as root (pod: "${formatPod(pod)}", container: ${container.name})`;
  if (uid === undefined && username) {
    return `container has runAsNonRoot and image has non-numeric user (${username}), cannot verify user is non-root (pod: "${formatPod(pod)}", container: ${container.name})`;
  }
  return undefined;
}

export function runtimeSecurityContext(pod: Pod, container: Container): RuntimeSecurityContext {
  const effective = effectiveSecurityContext(pod, container);
  const result: RuntimeSecurityContext = {};
  if (effective.runAsUser !== undefined) result.runAsUser = effective.runAsUser;
  if (effective.runAsGroup !== undefined) result.runAsGroup = effective.runAsGroup;
  if (effective.readOnlyRootFilesystem !== undefined) result.readOnlyRootFilesystem = effective.readOnlyRootFilesystem;
  if (effective.privileged !== undefined) result.privileged = effective.privileged;
  if (effective.allowPrivilegeEscalation !== undefined) result.allowPrivilegeEscalation = effective.allowPrivilegeEscalation;
  if (effective.capabilities) result.capabilities = effective.capabilities;
  return result;
}
