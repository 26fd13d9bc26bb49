// The files a ConfigMap, Secret, downward API or projected volume holds, as
// the kubelet's volume plugins compute them (MakePayload): every key or the
// listed items, each with its mode; a missing object or key fails the mount
// unless the source is optional, with the plugins' own messages. A projected
// serviceAccountToken is the pod's token from the token manager.

import type { FileProjection } from './atomicWriter.ts';
import { containerResourceValue, podFieldValue, type DownwardContext } from './downwardApi.ts';
import { ObjectNotFoundError, type PodObjects } from './podObjects.ts';
import type { ServiceAccountTokenManager } from './tokenManager.ts';
import type { DownwardAPIVolumeFile, KeyToPath, ProjectionSource, Volume } from './types.ts';

export type Payload = Map<string, FileProjection>;

export interface PayloadContext extends DownwardContext {
  objects: Pick<PodObjects, 'configMap' | 'secret' | 'claimedVolume'>;
  /** Service account tokens for the pod (absent: a serviceAccountToken source fails the mount). */
  tokens?: Pick<ServiceAccountTokenManager, 'token'>;
}

const DEFAULT_MODE = 0o644;

async function keyedPayload(
  ctx: PayloadContext,
  kind: 'configmap' | 'secret',
  name: string,
  items: KeyToPath[] | undefined,
  optional: boolean,
  defaultMode: number,
): Promise<Payload> {
  const payload: Payload = new Map();
  const namespace = ctx.pod.metadata.namespace ?? 'default';
  let values: Map<string, Buffer>;
  try {
    values = kind === 'configmap' ? await ctx.objects.configMap(namespace, name) : await ctx.objects.secret(namespace, name);
  } catch (error) {
    if (error instanceof ObjectNotFoundError && optional) return payload;
    throw error;
  }
  if (!items?.length) {
    for (const [key, data] of values) payload.set(key, { data, mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    const data = values.get(item.key);
    if (data === undefined) {
      if (optional) continue;
      throw new Error(kind === 'configmap' ? `configmap references non-existent config key: ${item.key}` : `references non-existent secret key: ${item.key}`);
    }
    payload.set(item.path, { data, mode: item.mode ?? defaultMode });
  }
  return payload;
}

function downwardPayload(ctx: PayloadContext, items: DownwardAPIVolumeFile[] | undefined, defaultMode: number): Payload {
  const payload: Payload = new Map();
  const containers = [...ctx.pod.spec.containers, ...(ctx.pod.spec.initContainers ?? [])];
  for (const item of items ?? []) {
    let value = '';
    if (item.fieldRef) {
      value = podFieldValue(item.fieldRef.fieldPath, ctx);
    } else if (item.resourceFieldRef) {
      const container = containers.find((c) => c.name === item.resourceFieldRef!.containerName);
      if (!container) throw new Error(`container ${item.resourceFieldRef.containerName ?? ''} not found`);
      value = containerResourceValue(item.resourceFieldRef, container, ctx.allocatable);
    }
    payload.set(item.path, { data: Buffer.from(value, 'utf8'), mode: item.mode ?? defaultMode });
  }
  return payload;
}

async function tokenPayload(ctx: PayloadContext, projection: NonNullable<ProjectionSource['serviceAccountToken']>, mode: number): Promise<Payload> {
  if (!ctx.tokens) throw new Error('failed to fetch token: this kubelet issues no service account tokens');
  const token = await ctx.tokens.token(ctx.pod, projection);
  return new Map([[projection.path, { data: Buffer.from(token, 'utf8'), mode }]]);
}

async function projectedPayload(ctx: PayloadContext, sources: ProjectionSource[] | undefined, defaultMode: number): Promise<Payload> {
  const payload: Payload = new Map();
  for (const source of sources ?? []) {
    let part: Payload | undefined;
    if (source.configMap) part = await keyedPayload(ctx, 'configmap', source.configMap.name ?? '', source.configMap.items, source.configMap.optional === true, defaultMode);
    else if (source.secret) part = await keyedPayload(ctx, 'secret', source.secret.name ?? '', source.secret.items, source.secret.optional === true, defaultMode);
    else if (source.downwardAPI) part = downwardPayload(ctx, source.downwardAPI.items, defaultMode);
    else if (source.serviceAccountToken) part = await tokenPayload(ctx, source.serviceAccountToken, defaultMode);
    for (const [path, file] of part ?? []) payload.set(path, file);
  }
  return payload;
}

/** The files of a file-projecting volume, or undefined for other volume types. */
export async function volumePayload(volume: Volume, ctx: PayloadContext): Promise<Payload | undefined> {
  if (volume.configMap) {
    const s = volume.configMap;
    return keyedPayload(ctx, 'configmap', s.name ?? '', s.items, s.optional === true, s.defaultMode ?? DEFAULT_MODE);
  }
  if (volume.secret) {
    const s = volume.secret;
    return keyedPayload(ctx, 'secret', s.secretName ?? '', s.items, s.optional === true, s.defaultMode ?? DEFAULT_MODE);
  }
  if (volume.downwardAPI) return downwardPayload(ctx, volume.downwardAPI.items, volume.downwardAPI.defaultMode ?? DEFAULT_MODE);
  if (volume.projected) return projectedPayload(ctx, volume.projected.sources, volume.projected.defaultMode ?? DEFAULT_MODE);
  return undefined;
}
