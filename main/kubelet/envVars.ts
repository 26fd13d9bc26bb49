// A container's environment, as kubelet_pods.go's makeEnvironmentVariables:
// envFrom sources first (with their prefix), then env entries in order
// (values expanded against what came before and the service variables;
// valueFrom resolved from the downward API, ConfigMaps and Secrets, optional
// references skipped when missing), then the service variables not already
// set. A missing required reference fails the container with the kubelet's
// message, which becomes CreateContainerConfigError.

import { containerResourceValue, podFieldValue, type DownwardContext } from './downwardApi.ts';
import { expand, mappingFor } from './expansion.ts';
import { ObjectNotFoundError, type PodObjects } from './podObjects.ts';
import type { Container } from './types.ts';

export interface EnvContext extends DownwardContext {
  objects: Pick<PodObjects, 'configMap' | 'secret'>;
  /** Service variables for this pod (see serviceEnv.ts). */
  serviceEnv: ReadonlyMap<string, string>;
}

type Source = 'configmap' | 'secret';

async function lookup(ctx: EnvContext, kind: Source, name: string, optional: boolean): Promise<Map<string, Buffer> | undefined> {
  const namespace = ctx.pod.metadata.namespace ?? 'default';
  try {
    return kind === 'configmap' ? await ctx.objects.configMap(namespace, name) : await ctx.objects.secret(namespace, name);
  } catch (error) {
    if (error instanceof ObjectNotFoundError && optional) return undefined;
    throw error;
  }
}

/** The environment in definition order (a later definition of a name replaces the value, keeping its place). */
export async function containerEnv(container: Container, ctx: EnvContext): Promise<Map<string, string>> {
  const env = new Map<string, string>();
  const namespace = ctx.pod.metadata.namespace ?? 'default';
  // Each source is read once per container, as the kubelet caches them per call.
  const cache = new Map<string, Map<string, Buffer> | undefined>();
  const cached = async (kind: Source, name: string, optional: boolean) => {
    const key = `${kind}/${name}`;
    if (!cache.has(key)) cache.set(key, await lookup(ctx, kind, name, optional));
    return cache.get(key);
  };

  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    if (!ref) continue;
    const values = await cached(source.configMapRef ? 'configmap' : 'secret', ref.name ?? '', ref.optional === true);
    for (const [key, value] of values ?? []) env.set(`${source.prefix ?? ''}${key}`, value.toString('utf8'));
  }

  const mapping = mappingFor(env, ctx.serviceEnv);
  for (const entry of container.env ?? []) {
    let value = entry.value ?? '';
    if (value !== '') {
      value = expand(value, mapping);
    } else if (entry.valueFrom) {
      const from = entry.valueFrom;
      if (from.fieldRef) {
        value = podFieldValue(from.fieldRef.fieldPath, ctx);
      } else if (from.resourceFieldRef) {
        const target = from.resourceFieldRef.containerName
          ? [...ctx.pod.spec.containers, ...(ctx.pod.spec.initContainers ?? [])].find((c) => c.name === from.resourceFieldRef!.containerName) ?? container
          : container;
        value = containerResourceValue(from.resourceFieldRef, target, ctx.allocatable);
      } else {
        const kind: Source = from.configMapKeyRef ? 'configmap' : 'secret';
        const ref = (from.configMapKeyRef ?? from.secretKeyRef)!;
        const optional = ref.optional === true;
        const values = await cached(kind, ref.name ?? '', optional);
        if (!values) continue;
        const found = values.get(ref.key);
        if (found === undefined) {
          if (optional) continue;
          throw new Error(`couldn't find key ${ref.key} in ${kind === 'configmap' ? 'ConfigMap' : 'Secret'} ${namespace}/${ref.name ?? ''}`);
        }
        value = found.toString('utf8');
      }
    }
    env.set(entry.name, value);
  }

  for (const [name, value] of ctx.serviceEnv) if (!env.has(name)) env.set(name, value);
  return env;
}

/** ExpandContainerCommandAndArgs: $(VAR) in command and args against the final environment. */
export function expandCommandAndArgs(container: Container, env: ReadonlyMap<string, string>): { command?: string[]; args?: string[] } {
  const mapping = mappingFor(env);
  const result: { command?: string[]; args?: string[] } = {};
  if (container.command) result.command = container.command.map((c) => expand(c, mapping));
  if (container.args) result.args = container.args.map((a) => expand(a, mapping));
  return result;
}
