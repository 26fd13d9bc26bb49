// The parts of a pod the Pod Security checks read: security contexts, host
// namespaces, host ports, volume types, sysctls, the OS, and the AppArmor and
// seccomp annotations. A refusal keeps these (a few hundred bytes) instead of
// the whole pod, so the debugger can say what to change and check that the
// change passes, without holding the pod's environment or its images' secrets.

import type { Container, EphemeralContainer, PodSpec, Volume } from '../../../kube/types/core-v1.ts';
import type { ObjectMeta } from '../../../kube/types/meta-v1.ts';
import { deepCopy } from '../../../kube/deepCopy.ts';

export interface CheckedPod {
  metadata: { annotations?: Record<string, string> };
  spec: PodSpec;
}

const checkedAnnotationPrefixes = ['container.apparmor.security.beta.kubernetes.io/', 'container.seccomp.security.alpha.kubernetes.io/', 'seccomp.security.alpha.kubernetes.io/pod'];

function checkedContainer<C extends Container | EphemeralContainer>(c: C): C {
  const hostPorts = (c.ports ?? []).filter((p) => (p.hostPort ?? 0) !== 0);
  return {
    name: c.name,
    ...(c.image ? { image: c.image } : {}),
    ...(c.securityContext ? { securityContext: deepCopy(c.securityContext) } : {}),
    ...(hostPorts.length ? { ports: hostPorts.map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort, ...(p.protocol ? { protocol: p.protocol } : {}) })) } : {}),
  } as C;
}

/** Only the volume's source type matters to the checks (and a hostPath's path to the reader). */
function checkedVolume(v: Volume): Volume {
  const out: Record<string, unknown> = { name: v.name };
  for (const [key, value] of Object.entries(v)) {
    if (key === 'name' || value == null) continue;
    out[key] = key === 'hostPath' ? deepCopy(value) : {};
  }
  return out as unknown as Volume;
}

export function checkedFields(meta: ObjectMeta, spec: PodSpec): CheckedPod {
  const annotations = Object.fromEntries(Object.entries(meta.annotations ?? {}).filter(([k]) => checkedAnnotationPrefixes.some((p) => k.startsWith(p))));
  const out: Record<string, unknown> = {};
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC', 'os', 'securityContext'] as const) if (spec[field] !== undefined) out[field] = deepCopy(spec[field]);
  if (spec.volumes?.length) out.volumes = spec.volumes.map(checkedVolume);
  if (spec.initContainers?.length) out.initContainers = spec.initContainers.map(checkedContainer);
  out.containers = (spec.containers ?? []).map(checkedContainer);
  if (spec.ephemeralContainers?.length) out.ephemeralContainers = spec.ephemeralContainers.map(checkedContainer);
  return { metadata: Object.keys(annotations).length ? { annotations } : {}, spec: out as unknown as PodSpec };
}
