// The securityContext that makes a pod pass Pod Security's restricted level,
// as a strategic merge patch of its spec: for the pod, runAsNonRoot (with a
// non-root user when none is set, since the kubelet refuses to start an
// image that runs as root) and the RuntimeDefault seccomp profile; for each
// container, no privilege escalation, no privileged mode, and every
// capability dropped (NET_BIND_SERVICE may stay). What no securityContext can
// change (host namespaces, hostPath volumes, host ports) is named instead.

import { aggregate, evaluatePod } from '../apiserver/admission/podSecurity/checkRegistry.ts';
import type { Container, PodSpec } from '../kube/types/core-v1.ts';
import type { PodView } from './podView.ts';

export interface RestrictedPatch {
  /** The change, or undefined when the pod passes already. */
  patch?: Record<string, unknown>;
  /** What the patched pod would still be refused for (nothing a securityContext sets). */
  remaining?: string;
}

function containerPatch(container: Container): Record<string, unknown> | undefined {
  const context = container.securityContext ?? {};
  const wanted: Record<string, unknown> = {};
  if (context.allowPrivilegeEscalation !== false) wanted.allowPrivilegeEscalation = false;
  if (context.privileged) wanted.privileged = false;
  const drop = context.capabilities?.drop ?? [];
  const add = context.capabilities?.add ?? [];
  const keptAdds = add.filter((c) => c === 'NET_BIND_SERVICE');
  if (!drop.includes('ALL') || keptAdds.length !== add.length) wanted.capabilities = { drop: ['ALL'], ...(add.length ? { add: keptAdds } : {}) };
  if (context.runAsUser === 0) wanted.runAsUser = 1000;
  if (context.runAsNonRoot === false) wanted.runAsNonRoot = true;
  if (context.seccompProfile && context.seccompProfile.type !== 'RuntimeDefault' && context.seccompProfile.type !== 'Localhost') wanted.seccompProfile = { type: 'RuntimeDefault' };
  return Object.keys(wanted).length ? { name: container.name, securityContext: wanted } : undefined;
}

export function restrictedPatch(pod: PodView): RestrictedPatch {
  const spec = (pod.spec ?? {}) as PodSpec;
  const meta = { labels: pod.metadata.labels, annotations: pod.metadata.annotations };
  if (aggregate(evaluatePod({ level: 'restricted', version: 'latest' }, meta, spec)).allowed) return {};
  const podContext = spec.securityContext ?? {};
  const podWanted: Record<string, unknown> = {};
  if (podContext.runAsNonRoot !== true) podWanted.runAsNonRoot = true;
  if (!podContext.runAsUser) podWanted.runAsUser = 1000;
  if (podContext.seccompProfile?.type !== 'RuntimeDefault' && podContext.seccompProfile?.type !== 'Localhost') podWanted.seccompProfile = { type: 'RuntimeDefault' };
  const containers = (spec.containers ?? []).map(containerPatch).filter((c) => c !== undefined);
  const initContainers = (spec.initContainers ?? []).map(containerPatch).filter((c) => c !== undefined);
  const patch: Record<string, unknown> = {
    ...(Object.keys(podWanted).length && { securityContext: podWanted }),
    ...(containers.length && { containers }),
    ...(initContainers.length && { initContainers }),
  };
  // What the patched pod would still fail: the same checks over the spec as the patch leaves it.
  const patched: PodSpec = {
    ...spec,
    securityContext: { ...podContext, ...podWanted },
    containers: (spec.containers ?? []).map((c) => ({ ...c, securityContext: { ...c.securityContext, ...(containerPatch(c)?.securityContext as object) } })),
    initContainers: spec.initContainers?.map((c) => ({ ...c, securityContext: { ...c.securityContext, ...(containerPatch(c)?.securityContext as object) } })),
  };
  const after = aggregate(evaluatePod({ level: 'restricted', version: 'latest' }, meta, patched));
  return { patch, ...(!after.allowed && { remaining: after.forbiddenDetail }) };
}
