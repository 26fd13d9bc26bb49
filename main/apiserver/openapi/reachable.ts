// The definitions a document needs: those its paths reference, and those
// they reference in turn. The vendored definitions describe every kind of a
// Kubernetes release; kube-apiserver's documents hold only what the served
// resources reach, and so do PodLab's.

import type { Definitions } from './schema.ts';

/** The definitions reachable from the `$ref`s inside `roots` (any prefix: `#/definitions/` or `#/components/schemas/`), by name. */
export function reachableDefinitions(roots: unknown, definitions: Definitions): Definitions {
  const reached: Definitions = {};
  const pending = collectRefs(roots);
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (reached[name] || !definitions[name]) continue;
    reached[name] = definitions[name];
    collectRefs(definitions[name], pending);
  }
  return Object.fromEntries(Object.entries(reached).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function collectRefs(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => collectRefs(v, into));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') into.push(v.slice(v.lastIndexOf('/') + 1));
      else collectRefs(v, into);
    }
  }
  return into;
}
