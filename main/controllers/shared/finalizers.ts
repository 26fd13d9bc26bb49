// Removing one finalizer from an object: a read-modify-write whose patch names
// the resourceVersion it read, retried on conflict, so a finalizer another
// controller adds or removes meanwhile is never lost.

import { isApiError, type ResourceClient } from '../../kube/client/types.ts';

/** Removes `finalizer` from the object, if it is still the object with `uid` (any, when uid is undefined). */
export async function removeFinalizer(resource: ResourceClient, namespace: string | undefined, name: string, uid: string | undefined, finalizer: string): Promise<void> {
  for (;;) {
    let current;
    try {
      current = await resource.get(namespace, name);
    } catch (err) {
      if (isApiError(err, 'NotFound')) return;
      throw err;
    }
    if ((uid && current.metadata.uid !== uid) || !current.metadata.finalizers?.includes(finalizer)) return;
    const finalizers = current.metadata.finalizers.filter((f) => f !== finalizer);
    try {
      await resource.patch(namespace, name, 'application/merge-patch+json', { metadata: { resourceVersion: current.metadata.resourceVersion, finalizers } });
      return;
    } catch (err) {
      if (isApiError(err, 'NotFound')) return;
      if (!isApiError(err, 'Conflict')) throw err;
    }
  }
}
