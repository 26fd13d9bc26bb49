// How the browser names a kind: its resource's plural, spelled with the
// kind's capitals (networkpolicies + NetworkPolicy → NetworkPolicies), as
// the Kubernetes docs title their pages; the kind itself when the plural is
// not a plural of it (metrics.k8s.io serves NodeMetrics as `nodes`).

import type { ApiGroupKinds, ApiKind } from '../../preload/api.ts';

export function pluralTitle(kind: string, plural: string): string {
  let same = 0;
  while (same < kind.length && same < plural.length && kind[same]!.toLowerCase() === plural[same]) same++;
  // A plural may change the kind's last letter (Policy → policies), no more.
  if (same < kind.length - 1) return kind;
  return kind.slice(0, same) + plural.slice(same);
}

export function kindTitle(kind: ApiKind): string {
  return pluralTitle(kind.kind, kind.resource.plural);
}

/** The name of an API group as kubectl shows it: the core group has none. */
export function groupTitle(group: string): string {
  return group || 'core';
}

/** The kinds a browser can list, matching `filter` (title, kind, plural, short names or group), sorted by title. */
export function browsableKinds(groups: ApiGroupKinds[], filter: string): Array<{ group: string; kinds: ApiKind[] }> {
  const needle = filter.trim().toLowerCase();
  const matches = (group: string, k: ApiKind) =>
    !needle || [kindTitle(k), k.kind, k.resource.plural, group, ...(k.shortNames ?? [])].some((text) => text.toLowerCase().includes(needle));
  return groups
    .map((g) => ({
      group: g.group,
      kinds: g.kinds.filter((k) => k.verbs.includes('list') && matches(groupTitle(g.group), k)).sort((a, b) => kindTitle(a).localeCompare(kindTitle(b))),
    }))
    .filter((g) => g.kinds.length > 0);
}

/** The kind named `kind` in `group`; without a group (an event naming no apiVersion), the first group serving it, core first. */
export function resolveKind(groups: ApiGroupKinds[], group: string | undefined, kind: string): ApiKind | undefined {
  const candidates = group === undefined ? groups : groups.filter((g) => g.group === group);
  for (const g of candidates) {
    const found = g.kinds.find((k) => k.kind === kind);
    if (found) return found;
  }
  return undefined;
}
