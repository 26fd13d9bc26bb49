// Admission's reads of the shared, frozen objects (registry.getShared and
// listShared), answered at once when the store holds them in memory and by a
// promise only when it does not: most writes find what they look up (their
// namespace, no webhook, no quota) in memory, and a promise and its turns on
// every write for each of a dozen plugins added up.

import type { KubeObject } from '../../kube/meta.ts';
import type { ResourceRegistry } from './registry.ts';

/** The objects under the namespace (all of them for ''); none when the resource is not served. */
export function listSharedNowOrLater(registry: ResourceRegistry | undefined, namespace: string): readonly KubeObject[] | Promise<readonly KubeObject[]> {
  if (!registry) return [];
  return registry.peekListShared(namespace) ?? registry.listShared(namespace);
}

/** The object, or undefined when there is none (or the resource is not served). */
export function getSharedNowOrLater(registry: ResourceRegistry | undefined, namespace: string, name: string): KubeObject | undefined | Promise<KubeObject | undefined> {
  if (!registry) return undefined;
  const known = registry.peekShared(namespace, name);
  return known === undefined ? registry.getShared(namespace, name) : (known ?? undefined);
}
