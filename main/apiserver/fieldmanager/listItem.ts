// Which path element names an item of an associative list: its key fields
// (a key field the item leaves out takes the schema's default) for a map-like
// list, its value for a set of scalars. Items that cannot be named are
// errors, as structured-merge-diff reports them.

import { keyElement, type JsonValue, type PathElement } from './pathElement.ts';
import type { ListAtom } from './schemaType.ts';
import { isMap } from './schemaType.ts';

export function listItemElement(list: ListAtom, item: unknown): PathElement {
  if (list.keys.length > 0) {
    if (item === null) throw new Error('associative list with keys may not have a null element');
    if (!isMap(item)) throw new Error('associative list with keys may not have non-map elements');
    const fields: Array<[string, JsonValue]> = [];
    for (const key of list.keys) {
      if (item[key] !== undefined) fields.push([key, item[key] as JsonValue]);
      else {
        const fallback = list.keyDefault(key);
        if (fallback === undefined) throw new Error(`associative list with keys has an element that omits key field ${JSON.stringify(key)} (and doesn't have default value)`);
        fields.push([key, fallback]);
      }
    }
    return keyElement(fields);
  }
  if (isMap(item)) throw new Error("associative list without keys has an element that's a map type");
  if (Array.isArray(item)) throw new Error('not supported: associative list with lists as elements');
  if (item === null || item === undefined) throw new Error("associative list without keys has an element that's an explicit null");
  return { value: item as JsonValue };
}

/** Every item with its element; items that cannot be named are left out (they were reported when the object was validated). */
export function namedItems(list: ListAtom, items: unknown[]): Array<{ element: PathElement; item: unknown; index: number }> {
  const out: Array<{ element: PathElement; item: unknown; index: number }> = [];
  items.forEach((item, index) => {
    try {
      out.push({ element: listItemElement(list, item), item, index });
    } catch {
      // skipped
    }
  });
  return out;
}
