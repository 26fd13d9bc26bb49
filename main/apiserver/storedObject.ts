// Reading one stored object when it may not exist, without authorization: the
// API server's own lookups (namespaces for admission, service accounts and
// pods behind tokens, RBAC objects).

import { StatusError } from './errors.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { ResourceRegistry } from './registry/registry.ts';

export async function getIfExists(registry: ResourceRegistry | undefined, namespace: string, name: string): Promise<KubeObject | undefined> {
  if (!registry) return undefined;
  try {
    return await registry.get(namespace, name);
  } catch (err) {
    if (err instanceof StatusError && err.code === 404) return undefined;
    throw err;
  }
}
