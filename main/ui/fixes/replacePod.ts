// Changing what a pod's spec cannot change in place means replacing the pod:
// delete it, then create it again under the same name with the change. The
// dry run admits the new spec under a generated name (the name is still
// taken); the real replacement waits for the old pod to be gone.

import { ApiError, type KubeClient } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';

const podResource = { group: '', version: 'v1', plural: 'pods' };

/** The pod as it is created again: its spec, labels and annotations, without what the server set on the old one. */
export function freshPod(pod: KubeObject & { spec?: unknown }): KubeObject {
  const { name, namespace, labels, annotations } = pod.metadata;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, ...(labels && { labels }), ...(annotations && { annotations }) }, spec: pod.spec } as KubeObject;
}

export async function replacePod(client: KubeClient, before: KubeObject, replacement: KubeObject, dryRun: boolean): Promise<KubeObject> {
  const pods = client.resource(podResource);
  const namespace = before.metadata.namespace;
  if (dryRun) {
    const { name, ...metadata } = replacement.metadata;
    const admitted = await pods.create(namespace, { ...replacement, metadata: { ...metadata, generateName: `${name}-` } }, { dryRun: true });
    return { ...admitted, metadata: { ...admitted.metadata, name } };
  }
  await pods.delete(namespace, before.metadata.name ?? '', { preconditions: { uid: before.metadata.uid } });
  return createWhenNameFree(client, namespace, replacement);
}

/** The deleted pod keeps its name while it terminates: retry the create until the name is free. */
async function createWhenNameFree(client: KubeClient, namespace: string | undefined, pod: KubeObject, attempts = 120): Promise<KubeObject> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.resource(podResource).create(namespace, pod);
    } catch (error) {
      if (!(error instanceof ApiError && error.reason === 'AlreadyExists') || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
