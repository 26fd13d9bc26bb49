// Reading, showing and deleting single objects for the views.

import { yaml } from '../kube/yamlLibrary.ts';
import type { DeleteRequest, KubeObject, ObjectRef } from '../../preload/api.ts';
import type { KubeClient } from '../kube/client/types.ts';

export async function getObject(client: KubeClient, ref: ObjectRef): Promise<KubeObject> {
  return client.resource(ref.resource).get(ref.namespace, ref.name);
}

/** As `kubectl get -o yaml` shows it since 1.21: managedFields left out, they are noise when reading or editing. */
export function objectYaml(object: KubeObject): string {
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  return yaml().stringify({ ...object, metadata }, { lineWidth: 0 });
}

/** As `kubectl delete` (propagation Background unless asked otherwise); with a uid, only that object, not one recreated under its name. */
export async function deleteObject(client: KubeClient, request: DeleteRequest): Promise<void> {
  await client.resource(request.resource).delete(request.namespace, request.name, {
    propagationPolicy: request.propagationPolicy ?? 'Background',
    ...(request.uid ? { preconditions: { uid: request.uid } } : {}),
  });
}
