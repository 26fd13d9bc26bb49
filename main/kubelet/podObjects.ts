// The ConfigMaps, Secrets and Services a pod refers to, read from the API the
// way the kubelet's managers read them (Services and kube-root-ca.crt from
// the kubelet's watches). A missing object is an ObjectNotFoundError carrying
// the API's message (`configmap "cfg" not found`), which the kubelet shows in
// events and waiting reasons.

import { isApiError, type KubeClient } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';
import { ROOT_CA_CONFIGMAP, type RootCaCache } from './rootCaCache.ts';
import type { ServiceCache } from './serviceCache.ts';

export class ObjectNotFoundError extends Error {
  constructor(
    readonly kind: 'configmap' | 'secret',
    readonly objectName: string,
  ) {
    super(`${kind} "${objectName}" not found`);
    this.name = 'ObjectNotFoundError';
  }
}

export interface ServiceInfo {
  name: string;
  namespace: string;
  clusterIP: string;
  ports: Array<{ name?: string; port: number; protocol?: string }>;
}

export interface PodObjects {
  /** Values by key: `data` as text, `binaryData` decoded. */
  configMap(namespace: string, name: string): Promise<Map<string, Buffer>>;
  secret(namespace: string, name: string): Promise<Map<string, Buffer>>;
  /** Services with a cluster IP, in this namespace and the default one. */
  services(namespace: string): Promise<ServiceInfo[]>;
  /** A claim and, once it is bound, its volume (absent claim: undefined). */
  claimedVolume?(namespace: string, claimName: string): Promise<ClaimedVolume | undefined>;
  /** The handler of a RuntimeClass (LookupRuntimeHandler); throws the API's NotFound when there is none. */
  runtimeHandler?(runtimeClassName: string): Promise<string>;
}

export interface ClaimedVolume {
  claim: KubeObject;
  volume?: KubeObject;
}

function decode(obj: KubeObject, textKey: string | undefined, base64Key: string): Map<string, Buffer> {
  const values = new Map<string, Buffer>();
  const text = textKey ? (obj[textKey] as Record<string, string> | undefined) : undefined;
  for (const [key, value] of Object.entries(text ?? {})) values.set(key, Buffer.from(String(value), 'utf8'));
  for (const [key, value] of Object.entries((obj[base64Key] as Record<string, string> | undefined) ?? {})) values.set(key, Buffer.from(String(value), 'base64'));
  return values;
}

/** `services` and `rootCa`: the kubelet's watched copies (see serviceCache.ts and rootCaCache.ts). */
export function apiPodObjects(client: KubeClient, services: Pick<ServiceCache, 'services'>, rootCa: Pick<RootCaCache, 'get'>): PodObjects {
  const configMaps = client.resource({ group: '', version: 'v1', plural: 'configmaps' });
  const secrets = client.resource({ group: '', version: 'v1', plural: 'secrets' });
  const claims = client.resource({ group: '', version: 'v1', plural: 'persistentvolumeclaims' });
  const volumes = client.resource({ group: '', version: 'v1', plural: 'persistentvolumes' });
  const runtimeClasses = client.resource({ group: 'node.k8s.io', version: 'v1', plural: 'runtimeclasses' });
  const getOrUndefined = async (read: () => Promise<KubeObject>): Promise<KubeObject | undefined> => {
    try {
      return await read();
    } catch (error) {
      if (isApiError(error, 'NotFound')) return undefined;
      throw error;
    }
  };
  const get = async (kind: 'configmap' | 'secret', namespace: string, name: string): Promise<KubeObject> => {
    try {
      return await (kind === 'configmap' ? configMaps : secrets).get(namespace, name);
    } catch (error) {
      if (isApiError(error, 'NotFound')) throw new ObjectNotFoundError(kind, name);
      throw error;
    }
  };
  return {
    runtimeHandler: async (name) => String((await runtimeClasses.get(undefined, name)).handler ?? ''),
    configMap: async (namespace, name) => decode((name === ROOT_CA_CONFIGMAP && rootCa.get(namespace)) || (await get('configmap', namespace, name)), 'data', 'binaryData'),
    // stringData is write-only: the API server has folded it into data already.
    secret: async (namespace, name) => decode(await get('secret', namespace, name), undefined, 'data'),
    async claimedVolume(namespace, claimName) {
      const claim = await getOrUndefined(() => claims.get(namespace, claimName));
      if (!claim) return undefined;
      const volumeName = (claim.spec as { volumeName?: string } | undefined)?.volumeName;
      const bound = (claim.status as { phase?: string } | undefined)?.phase === 'Bound';
      return { claim, ...(bound && volumeName ? { volume: await getOrUndefined(() => volumes.get(undefined, volumeName)) } : {}) };
    },
    services: (namespace) => services.services(namespace),
  };
}
