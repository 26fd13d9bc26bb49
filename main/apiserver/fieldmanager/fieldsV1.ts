// FieldsV1, managedFields' encoding of a field set: a trie of JSON objects
// whose keys are serialized path elements and whose leaves are `{}`; `.` marks
// an element that is a member itself and also has members below it. Keys are
// written in structured-merge-diff's element order, as kube-apiserver stores
// them.

import { FieldSet } from './fieldSet.ts';
import { comparePathElements, deserializePathElement, serializePathElement, UnknownPathElementType } from './pathElement.ts';

export type FieldsV1 = { [key: string]: FieldsV1 };

/** Set.ToJSON (emitContentsV1). */
export function toFieldsV1(set: FieldSet): FieldsV1 {
  return emit(set, false);
}

function emit(set: FieldSet, includeSelf: boolean): FieldsV1 {
  const out: FieldsV1 = {};
  if (includeSelf && (set.members.length > 0 || set.children.length > 0)) out['.'] = {};
  let mi = 0;
  let ci = 0;
  while (mi < set.members.length || ci < set.children.length) {
    const member = set.members[mi];
    const child = set.children[ci];
    const c = member === undefined ? 1 : child === undefined ? -1 : comparePathElements(member, child.element);
    if (c < 0) {
      out[serializePathElement(member)] = {};
      mi++;
    } else if (c > 0) {
      out[serializePathElement(child.element)] = emit(child.set, false);
      ci++;
    } else {
      out[serializePathElement(child.element)] = emit(child.set, true);
      mi++;
      ci++;
    }
  }
  return out;
}

/**
 * Set.FromJSON: FieldsV1 back to a set. Keys of an unknown kind are skipped,
 * as structured-merge-diff skips them; a malformed key is an error.
 */
export function fromFieldsV1(fields: unknown): FieldSet {
  const set = new FieldSet();
  if (fields === undefined || fields === null) return set;
  if (typeof fields !== 'object' || Array.isArray(fields)) throw new Error('FieldsV1 must be a JSON object');
  read(fields as Record<string, unknown>, set);
  return set;
}

/** Reads the entries of one level into `set`; answers whether the level marks itself a member (`.` or no entries). */
function read(node: Record<string, unknown>, set: FieldSet): boolean {
  let isMember = false;
  let hasChildren = false;
  for (const [key, value] of Object.entries(node)) {
    if (key === '.') {
      isMember = true;
      continue;
    }
    let element;
    try {
      element = deserializePathElement(key);
    } catch (err) {
      if (err instanceof UnknownPathElementType) continue;
      throw new Error(`parsing key as path element: ${(err as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`FieldsV1 entry ${key} must be an object`);
    const childSet = new FieldSet();
    const childIsMember = read(value as Record<string, unknown>, childSet);
    if (childIsMember) set.insert([element]);
    if (!childSet.empty()) set.attach(element, childSet);
    hasChildren = true;
  }
  return isMember || !hasChildren;
}
