// The runtime's ContainerConfig for one container of a pod, as
// generateContainerConfig: command and args with $(VAR) expanded, the
// environment, working directory, mounts, resources and security settings,
// plus the annotations the kubelet reads back (the spec hash, so a changed
// spec restarts the container).

import { createHash } from 'node:crypto';
import type { ContainerConfig, Mount } from '../runtime/runtime.ts';
import { containerResources, type NodeLimits } from './containerResources.ts';
import { expandCommandAndArgs } from './envVars.ts';
import { ANNOTATION_CONTAINER_HASH } from './runtimePodStatus.ts';
import { runtimeSecurityContext } from './securityContext.ts';
import type { Container, Pod } from './types.ts';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** Hashes of containers of frozen pods (the informers' shared objects, which cannot change): a pod's every sync asks again. */
const frozenHashes = new WeakMap<Container, string>();

/** A stable hash of the container spec (kubecontainer.HashContainer). */
export function hashContainer(container: Container): string {
  const known = frozenHashes.get(container);
  if (known) return known;
  const hash = createHash('sha256').update(JSON.stringify(canonical(container))).digest('hex').slice(0, 16);
  if (Object.isFrozen(container)) frozenHashes.set(container, hash);
  return hash;
}

export function containerConfig(pod: Pod, container: Container, restartCount: number, env: ReadonlyMap<string, string>, mounts: Mount[], node: NodeLimits): ContainerConfig {
  const { command, args } = expandCommandAndArgs(container, env);
  const config: ContainerConfig = {
    metadata: { name: container.name, attempt: restartCount },
    image: container.image,
    env: [...env].map(([name, value]) => ({ name, value })),
    mounts,
    labels: { ...pod.metadata.labels },
    annotations: { [ANNOTATION_CONTAINER_HASH]: hashContainer(container), 'io.kubernetes.container.restartCount': String(restartCount) },
    resources: containerResources(container, node),
    securityContext: runtimeSecurityContext(pod, container),
  };
  if (command) config.command = command;
  if (args) config.args = args;
  if (container.workingDir) config.workingDir = container.workingDir;
  if (container.tty) config.tty = true;
  if (container.stdin) config.stdin = true;
  if (container.stdinOnce) config.stdinOnce = true;
  return config;
}
