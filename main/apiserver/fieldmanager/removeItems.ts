// Removing a set of fields from an object (structured-merge-diff's
// TypedValue.RemoveItems): a field, map key or list item in the set goes with
// everything below it; the walk descends only where the set has paths.
// A map or list left with nothing is dropped with its key, as a Go object
// would drop it when it is stored.

import type { FieldSet } from './fieldSet.ts';
import { listItemElement } from './listItem.ts';
import { chosen, deduceAtom, deducedType, isMap, type SmdType } from './schemaType.ts';
import { putKey } from '../../kube/ownKeys.ts';

export function removeItems(value: unknown, toRemove: FieldSet, type: SmdType): unknown {
  const atom = deduceAtom(type.atom(), value);
  switch (chosen(atom)) {
    case 'list': {
      if (!Array.isArray(value) || value.length === 0) return undefined;
      const list = atom.list!;
      if (list.atomic) return undefined;
      const out: unknown[] = [];
      for (const item of value) {
        let element;
        try {
          element = listItemElement(list, item);
        } catch {
          out.push(item);
          continue;
        }
        if (toRemove.has([element])) continue;
        const below = toRemove.withPrefix(element);
        // An item whose fields all went keeps its place as an empty item.
        out.push(below.empty() ? item : (removeItems(item, below, list.element()) ?? {}));
      }
      return out.length > 0 ? out : undefined;
    }
    case 'map': {
      if (!isMap(value) || Object.keys(value).length === 0) return undefined;
      const map = atom.map!;
      if (map.atomic) return undefined;
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        if (child === undefined) continue;
        const element = { field: key };
        if (toRemove.has([element])) continue;
        const below = toRemove.withPrefix(element);
        if (below.empty()) putKey(out, key, child);
        else {
          const kept = removeItems(child, below, map.fieldType(key) ?? deducedType);
          if (kept !== undefined) putKey(out, key, kept);
        }
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
    default:
      return value;
  }
}
