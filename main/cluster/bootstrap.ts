// Objects every cluster has from its first start, as kube-apiserver's
// bootstrap controller makes them: the system namespaces.

import type { KubeClient } from '../apiserver/client/types.ts';
import { isApiError } from '../apiserver/client/types.ts';

export const systemNamespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function ensureSystemNamespaces(client: KubeClient): Promise<void> {
  const namespaces = client.resource({ group: '', version: 'v1', plural: 'namespaces' });
  for (const name of systemNamespaces) {
    try {
      await namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    } catch (err) {
      if (!isApiError(err, 'AlreadyExists')) throw err;
    }
  }
}
