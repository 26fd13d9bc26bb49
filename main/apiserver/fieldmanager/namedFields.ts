// EnsureNamedFieldsAreMembers: a struct field with owned fields below it
// counts as a member too. Pruning compares sets of what objects contain, and a
// struct field is there whenever something under it is.

import { FieldSet } from './fieldSet.ts';
import type { SmdType } from './schemaType.ts';

export function withNamedFieldsAsMembers(set: FieldSet, type: SmdType | undefined): FieldSet {
  const atom = type?.atom();
  const members = [...set.members];
  const out = new FieldSet(members, []);
  for (const child of set.children) {
    const e = child.element;
    let childType: SmdType | undefined;
    if ('field' in e && atom?.map) {
      if (atom.map.isDeclared(e.field)) out.insert([e]);
      childType = atom.map.fieldType(e.field);
    } else if ('key' in e && atom?.list) {
      childType = atom.list.element();
    }
    out.children.push({ element: e, set: withNamedFieldsAsMembers(child.set, childType) });
  }
  return out;
}
