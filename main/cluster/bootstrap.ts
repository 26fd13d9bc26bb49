// Objects every cluster has from its first start, as kube-apiserver's
// bootstrap controller makes them: the system namespaces and priority classes,
// and kind's default StorageClass.

import type { KubeClient, ResourceClient } from '../kube/client/types.ts';
import { isApiError } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';
import { systemPriorityClasses } from '../apiserver/resources/priorityclasses.ts';
import { standardStorageClass } from '../controllers/volume/localPath.ts';
import { deepCopy } from '../kube/deepCopy.ts';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function ensureSystemNamespaces(client: KubeClient): Promise<void> {
  const namespaces = client.resource({ group: '', version: 'v1', plural: 'namespaces' });
  for (const name of systemNamespaces) await createIfMissing(namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/**
 * Creates `object` unless it exists, looking first as kube-apiserver's
 * bootstrap does (createNamespaceIfNeeded): a restarted cluster then makes no
 * create that admission and the schema check would only refuse.
 */
async function createIfMissing<T extends KubeObject>(resource: ResourceClient<T>, namespace: string | undefined, object: T): Promise<void> {
  try {
    await resource.get(namespace, object.metadata.name!);
    return;
  } catch (err) {
    if (!isApiError(err, 'NotFound')) throw err;
  }
  await resource.create(namespace, object).catch((err: unknown) => {
    if (!isApiError(err, 'AlreadyExists')) throw err;
  });
}

/**
 * The `kubernetes` Service in `default`, on the first address of the Service
 * range, as kube-apiserver's bootstrap controller keeps it. Its endpoints
 * (how pods reach the API server) come with the cluster network.
 */
export async function ensureKubernetesService(client: KubeClient, clusterIP: string, apiPort: number): Promise<void> {
  const services = client.resource({ group: '', version: 'v1', plural: 'services' });
  const ports = [{ name: 'https', protocol: 'TCP', port: 443, targetPort: apiPort }];
  try {
    const existing = await services.get('default', 'kubernetes');
    const spec = existing.spec as { ports?: Array<{ targetPort?: number }> };
    if (spec.ports?.[0]?.targetPort !== apiPort) await services.patch('default', 'kubernetes', 'application/merge-patch+json', { spec: { ports } });
  } catch (err) {
    if (!isApiError(err, 'NotFound')) throw err;
    await services.create('default', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', clusterIP, ports, sessionAffinity: 'None' },
    });
  }
}

/** The system PriorityClasses kube-apiserver creates at start (its scheduling post-start hook). */
export async function ensureSystemPriorityClasses(client: KubeClient): Promise<void> {
  const classes = client.resource({ group: 'scheduling.k8s.io', version: 'v1', plural: 'priorityclasses' });
  for (const pc of systemPriorityClasses) await createIfMissing(classes, undefined, deepCopy(pc));
}

/** kind's default StorageClass `standard` (rancher.io/local-path, WaitForFirstConsumer, Delete), recreated at start when missing. */
export async function ensureStandardStorageClass(client: KubeClient): Promise<void> {
  await createIfMissing(client.resource({ group: 'storage.k8s.io', version: 'v1', plural: 'storageclasses' }), undefined, standardStorageClass());
}
