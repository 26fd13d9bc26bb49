// The securityContext that makes a pod pass Pod Security's restricted level,
// as a strategic merge patch of its spec, for the best-practice advice and a
// refused workload's template: securityContextFix.ts builds the change for
// each failed check and proves it with the real checks. Only checks a
// securityContext answers are fixed this way (with a non-root user where the
// pod names none, since the kubelet refuses to start an image that runs as
// root); what it cannot change (host namespaces, hostPath volumes, host
// ports, sysctls) is named instead, for the user to decide.

import { failedChecks } from '../apiserver/admission/podSecurity/checkRegistry.ts';
import { checkedFields } from '../apiserver/admission/podSecurity/checkedFields.ts';
import type { PodSpec } from '../kube/types/core-v1.ts';
import type { PodView } from './podView.ts';
import { fixPodSecurity } from './securityContextFix.ts';

export interface RestrictedPatch {
  /** The change, or undefined when the pod passes already. */
  patch?: Record<string, unknown>;
  /** What the patched pod would still be refused for (nothing a securityContext sets). */
  remaining?: string;
}

const securityContextChecks = new Set(['allowPrivilegeEscalation', 'privileged', 'capabilities_baseline', 'capabilities_restricted', 'runAsNonRoot', 'runAsUser', 'seccompProfile_baseline', 'seccompProfile_restricted', 'procMount', 'seLinuxOptions']);

export function restrictedPatch(pod: PodView): RestrictedPatch {
  const level = { level: 'restricted', version: 'latest' } as const;
  const checked = checkedFields({ ...(pod.metadata.annotations && { annotations: pod.metadata.annotations }) }, (pod.spec ?? {}) as PodSpec);
  const failed = failedChecks(level, checked.metadata, checked.spec);
  if (failed.length === 0) return {};
  const fixable = failed.filter((c) => securityContextChecks.has(c.id));
  const others = failed.filter((c) => !securityContextChecks.has(c.id));
  const remaining = others.length ? others.map((c) => `${c.reason} (${c.detail})`).join(', ') : undefined;
  if (fixable.length === 0) return { ...(remaining && { remaining }) };
  const fix = fixPodSecurity(level, checked, fixable, ['spec']);
  const spec = ((fix.rootImagePatch ?? fix.patch).spec ?? {}) as Record<string, unknown>;
  return { patch: spec, ...(remaining && { remaining }) };
}
