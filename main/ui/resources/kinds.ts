// The kinds the resource browser offers, from the API's own discovery:
// per group, each resource once, in the first of the group's versions (in
// preference order) that serves it, as kubectl's ServerPreferredResources
// picks them for `kubectl api-resources`.

import type { ApiGroupKinds, ApiKind } from '../../../preload/api.ts';
import type { ApiGroupDiscovery } from '../../kube/client/discovery.ts';
import type { DiscoveryClient } from '../../kube/client/discovery.ts';

export function preferredKinds(groups: ApiGroupDiscovery[]): ApiGroupKinds[] {
  const out: ApiGroupKinds[] = [];
  for (const entry of groups) {
    const group = entry.metadata.name ?? '';
    const seen = new Set<string>();
    const kinds: ApiKind[] = [];
    for (const version of entry.versions) {
      for (const r of version.resources) {
        if (seen.has(r.resource)) continue;
        seen.add(r.resource);
        kinds.push({
          resource: { group, version: version.version, plural: r.resource },
          kind: r.responseKind.kind,
          namespaced: r.scope === 'Namespaced',
          verbs: r.verbs,
          ...(r.shortNames?.length ? { shortNames: r.shortNames } : {}),
          ...(r.categories?.length ? { categories: r.categories } : {}),
        });
      }
    }
    if (entry.versions.length > 0) out.push({ group, preferredVersion: entry.versions[0]!.version, kinds });
  }
  return out;
}

export async function servedKinds(discovery: DiscoveryClient): Promise<ApiGroupKinds[]> {
  return preferredKinds(await discovery.groups());
}

/** The kind of `group` named `kind`, in the version the browser uses for it. */
export function findKind(groups: ApiGroupKinds[], group: string, kind: string): ApiKind | undefined {
  return groups.find((g) => g.group === group)?.kinds.find((k) => k.kind === kind);
}
