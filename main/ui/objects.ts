// Reading, showing and deleting single objects for the views.

import { stringify } from 'yaml';
import type { KubeObject, ObjectRef } from '../../preload/api.ts';
import type { KubeClient } from '../kube/client/types.ts';

export async function getObject(client: KubeClient, ref: ObjectRef): Promise<KubeObject> {
  return client.resource(ref.resource).get(ref.namespace, ref.name);
}

/** As `kubectl get -o yaml` shows it since 1.21: managedFields left out, they are noise when reading or editing. */
export function objectYaml(object: KubeObject): string {
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  return stringify({ ...object, metadata }, { lineWidth: 0 });
}

export async function deleteObject(client: KubeClient, ref: ObjectRef): Promise<void> {
  await client.resource(ref.resource).delete(ref.namespace, ref.name, { propagationPolicy: 'Background' });
}
