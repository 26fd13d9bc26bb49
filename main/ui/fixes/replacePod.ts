// Changing what cannot change in place means replacing the object: delete
// it, then create it again under the same name with the change, as
// `kubectl replace --force` does (a pod's spec, a Job's template, a claim's
// storageClassName). The dry run admits the new object under a generated
// name (the name is still taken); the real replacement waits for the old
// object to be gone (finalizers, a pod's grace period).

import { ApiError, type KubeClient } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';

export interface Resource {
  group: string;
  version: string;
  plural: string;
}

const podResource: Resource = { group: '', version: 'v1', plural: 'pods' };

/** The pod as it is created again: its spec, labels and annotations, without what the server set on the old one. */
export function freshPod(pod: KubeObject & { spec?: unknown }): KubeObject {
  const { name, namespace, labels, annotations } = pod.metadata;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, ...(labels && { labels }), ...(annotations && { annotations }) }, spec: pod.spec } as KubeObject;
}

/** Deletes the object replaced; dependents (a Job's pods) go with it in the background. */
export async function deleteReplaced(client: KubeClient, resource: Resource, before: KubeObject): Promise<void> {
  await client.resource(resource).delete(before.metadata.namespace, before.metadata.name ?? '', { preconditions: { uid: before.metadata.uid }, propagationPolicy: 'Background' });
}

/** Creates the replacement: a dry run under a generated name, or for real once the old object's name is free. */
export async function createReplacement(client: KubeClient, resource: Resource, replacement: KubeObject, dryRun: boolean): Promise<KubeObject> {
  const namespace = replacement.metadata.namespace;
  if (dryRun) {
    const { name, ...metadata } = replacement.metadata;
    const admitted = await client.resource(resource).create(namespace, { ...replacement, metadata: { ...metadata, generateName: `${name}-` } }, { dryRun: true });
    return { ...admitted, metadata: { ...admitted.metadata, name } };
  }
  return createWhenNameFree(client, resource, namespace, replacement);
}

export async function replacePod(client: KubeClient, before: KubeObject, replacement: KubeObject, dryRun: boolean): Promise<KubeObject> {
  if (!dryRun) await deleteReplaced(client, podResource, before);
  return createReplacement(client, podResource, { ...replacement, metadata: { ...replacement.metadata, namespace: before.metadata.namespace } }, dryRun);
}

/** The deleted object keeps its name while it terminates: retry the create until the name is free. */
async function createWhenNameFree(client: KubeClient, resource: Resource, namespace: string | undefined, object: KubeObject, attempts = 120): Promise<KubeObject> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.resource(resource).create(namespace, object);
    } catch (error) {
      if (!(error instanceof ApiError && error.reason === 'AlreadyExists') || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
