// Merging an applied configuration into the live object (structured-merge-
// diff's TypedValue.Merge with its keep-the-right-hand-side rule): scalars,
// atomic lists and atomic maps are replaced as a whole; granular maps merge
// key by key; associative lists merge item by item, keeping the live order
// and placing the configuration's items as the configuration orders them.

import { namedItems } from './listItem.ts';
import { serializePathElement, type PathElement } from './pathElement.ts';
import { chosen, deduceAtom, deducedType, isMap, sameAtom, type Atom, type ListAtom, type MapAtom, type SmdType } from './schemaType.ts';
import { deepCopy } from '../../kube/deepCopy.ts';
import { ownValue, putKey } from '../../kube/ownKeys.ts';

/** Thrown when the configuration cannot be merged (a list with two items of the same key). */
export class MergeError extends Error {}

/** The merged value; undefined when neither side has one. */
export function merge(lhs: unknown, rhs: unknown, type: SmdType): unknown {
  return mergeNode(lhs, rhs, type, '');
}

interface Out {
  value?: unknown;
  inLeaf: boolean;
}

function mergeNode(lhs: unknown, rhs: unknown, type: SmdType, at: string): unknown {
  const atom = type.atom();
  const left = deduceAtom(atom, lhs);
  const right = deduceAtom(atom, rhs);
  const out: Out = { inLeaf: false };
  if (rhs === undefined) handle(left, lhs, rhs, out, at);
  else if (lhs === undefined || sameAtom(left, right)) handle(right, lhs, rhs, out, at);
  else {
    handle(left, lhs, rhs, { inLeaf: false }, at);
    handle(right, lhs, rhs, out, at);
  }
  return out.value;
}

function leaf(lhs: unknown, rhs: unknown, out: Out): void {
  if (out.inLeaf) return;
  out.inLeaf = true;
  out.value = deepCopy(rhs !== undefined ? rhs : lhs);
}

function handle(atom: Atom, lhs: unknown, rhs: unknown, out: Out, at: string): void {
  switch (chosen(atom)) {
    case 'scalar':
      return leaf(lhs, rhs, out);
    case 'list': {
      const l = Array.isArray(lhs) ? lhs : undefined;
      const r = Array.isArray(rhs) ? rhs : undefined;
      if (atom.list!.atomic || ((l?.length ?? 0) === 0 && (r?.length ?? 0) === 0)) return leaf(lhs, rhs, out);
      const merged = mergeListItems(atom.list!, l ?? [], r ?? [], at);
      if (merged.length > 0) out.value = merged;
      return;
    }
    case 'map': {
      const l = isMap(lhs) ? lhs : undefined;
      const r = isMap(rhs) ? rhs : undefined;
      const empty = (m?: Record<string, unknown>) => !m || Object.values(m).every((v) => v === undefined);
      if (atom.map!.atomic || (empty(l) && empty(r))) return leaf(lhs, rhs, out);
      const merged = mergeMapItems(atom.map!, l ?? {}, r ?? {}, at);
      if (Object.keys(merged).length > 0) out.value = merged;
      return;
    }
  }
}

function mergeMapItems(map: MapAtom, lhs: Record<string, unknown>, rhs: Record<string, unknown>, at: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of [...Object.keys(lhs), ...Object.keys(rhs).filter((k) => !Object.hasOwn(lhs, k))]) {
    const l = ownValue(lhs, key);
    const r = ownValue(rhs, key);
    if (l === undefined && r === undefined) continue;
    const value = mergeNode(l, r, map.fieldType(key) ?? deducedType, `${at}.${key}`);
    if (value !== undefined) putKey(out, key, value);
  }
  return out;
}

function mergeListItems(list: ListAtom, lhs: unknown[], rhs: unknown[], at: string): unknown[] {
  const rightItems = namedItems(list, rhs);
  const leftItems = namedItems(list, lhs);
  const observedRight = new Map<string, unknown>();
  for (const { element, item } of rightItems) {
    const id = serializePathElement(element);
    if (observedRight.has(id)) throw new MergeError(`${at}: duplicate entries for key ${describe(element)}`);
    observedRight.set(id, item);
  }
  const observedLeft = new Map<string, unknown>();
  for (const { element, item } of leftItems) {
    const id = serializePathElement(element);
    // Duplicated live items are not merged with the configuration's.
    observedLeft.set(id, observedLeft.has(id) ? null : item);
  }
  const leftIds = leftItems.map((i) => serializePathElement(i.element));
  const rightIds = rightItems.map((i) => serializePathElement(i.element));
  const sharedOrder = rightIds.filter((id) => observedLeft.has(id));
  let nextShared = sharedOrder.shift();
  const mergedRight = new Set<string>();
  const out: unknown[] = [];
  const push = (l: unknown, r: unknown) => {
    const merged = mergeNode(l, r, list.element(), at);
    if (merged !== undefined) out.push(merged);
  };
  let li = 0;
  let ri = 0;
  while (li < leftIds.length || ri < rightIds.length) {
    if (li < leftIds.length && ri < rightIds.length) {
      const id = leftIds[li];
      if (id === rightIds[ri]) {
        mergedRight.add(id);
        push(observedLeft.get(id), observedRight.get(id));
        li++;
        ri++;
        nextShared = sharedOrder.shift();
        continue;
      }
      if (observedRight.has(id) && nextShared !== undefined && nextShared !== id) {
        // A shared item, but not the one this round places.
        li++;
        continue;
      }
    }
    if (li < leftIds.length) {
      const id = leftIds[li];
      if (!observedRight.has(id)) {
        push(leftItems[li].item, undefined);
        li++;
        continue;
      } else if (mergedRight.has(id)) {
        li++;
      }
    }
    if (ri < rightIds.length) {
      const id = rightIds[ri];
      mergedRight.add(id);
      push(observedLeft.get(id), observedRight.get(id));
      ri++;
      if (nextShared !== undefined && nextShared === id) nextShared = sharedOrder.shift();
    }
  }
  return out;
}

function describe(e: PathElement): string {
  if ('key' in e) return `[${e.key.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
  if ('value' in e) return `[=${JSON.stringify(e.value)}]`;
  return serializePathElement(e);
}
