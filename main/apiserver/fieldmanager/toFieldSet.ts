// The fields an object sets, as structured-merge-diff's TypedValue.ToFieldSet
// finds them: every scalar; atomic lists and maps as one leaf; list items by
// their key or value, each owning itself; map keys that are not declared
// struct fields owning themselves; and empty or null values as leaves.

import { FieldSet } from './fieldSet.ts';
import { namedItems } from './listItem.ts';
import { serializePathElement, type FieldPath } from './pathElement.ts';
import { chosen, deduceAtom, deducedType as deducedFallback, isMap, type SmdType } from './schemaType.ts';

export function toFieldSet(value: unknown, type: SmdType): FieldSet {
  const set = new FieldSet();
  walk(value, type, [], set);
  return set;
}

function walk(value: unknown, type: SmdType, path: FieldPath, set: FieldSet): void {
  const atom = deduceAtom(type.atom(), value);
  switch (chosen(atom)) {
    case 'scalar':
      set.insert(path);
      return;
    case 'list': {
      const list = atom.list!;
      if (list.atomic) return void set.insert(path);
      if (!Array.isArray(value)) return;
      const items = namedItems(list, value);
      const seen = new Set<string>();
      const duplicates = new Set<string>();
      for (const { element } of items) {
        const id = serializePathElement(element);
        if (seen.has(id) && !duplicates.has(id)) {
          // Duplicated items are owned as a whole.
          set.insert([...path, element]);
          duplicates.add(id);
        }
        seen.add(id);
      }
      for (const { element, item } of items) {
        if (duplicates.has(serializePathElement(element))) continue;
        walk(item, list.element(), [...path, element], set);
        set.insert([...path, element]);
      }
      return;
    }
    case 'map': {
      const map = atom.map!;
      if (map.atomic) return void set.insert(path);
      if (!isMap(value)) return;
      for (const [key, child] of Object.entries(value)) {
        if (child === undefined) continue;
        const childPath: FieldPath = [...path, { field: key }];
        walk(child, map.fieldType(key) ?? deducedFallback, childPath, set);
        if (child === null || (isMap(child) && Object.keys(child).length === 0) || !map.isDeclared(key)) set.insert(childPath);
      }
      return;
    }
  }
}
