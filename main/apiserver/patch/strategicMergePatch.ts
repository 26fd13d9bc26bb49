// Kubernetes' strategic merge patch, applied the way
// k8s.io/apimachinery/pkg/util/strategicpatch's StrategicMergeMapPatch does
// (MergeParallelList and IgnoreUnmatchedNulls on), driven by the schema's
// x-kubernetes-patch-strategy / x-kubernetes-patch-merge-key:
//
// - maps merge key by key; null deletes; `$patch: replace` replaces the map,
//   `$patch: delete` empties it; a field with strategy `replace` is replaced;
// - `$retainKeys: [...]` drops every key not listed (strategy retainKeys);
// - lists with strategy `merge` and a merge key merge element by element;
//   `{name: x, $patch: delete}` removes elements, `{$patch: replace}` replaces
//   the list; primitive lists with strategy `merge` behave as sets, and
//   `$deleteFromPrimitiveList/<field>` removes values from them;
// - `$setElementOrder/<field>` orders the merged list (kubectl apply sends it);
// - every other list is replaced by the patch's.
//
// One deliberate difference: a value added where the object had nothing is
// itself run through the merge, so directives nested in it never reach the
// stored object (Kubernetes drops them later, when decoding into Go structs).

import type { SchemaNode } from '../openapi/schemaLookup.ts';
import { badRequest, invalid } from './patchError.ts';
import { deepCopy, isJsonObject, type JsonObject, type JsonValue } from './json.ts';
import { putKey } from '../../kube/ownKeys.ts';

const directiveMarker = '$patch';
const retainKeysDirective = '$retainKeys';
const setElementOrderPrefix = '$setElementOrder';
const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList';

type ElementKind = 'map' | 'scalar';

export function applyStrategicMergePatch(original: JsonObject, patch: unknown, schema: SchemaNode | undefined): JsonObject {
  if (!isJsonObject(patch)) throw badRequest('invalid JSON document: a strategic merge patch must be a JSON object');
  return mergeMap(deepCopy(original), deepCopy(patch), schema);
}

function mergeMap(original: JsonObject, patch: JsonObject, schema: SchemaNode | undefined): JsonObject {
  if (Object.hasOwn(patch, directiveMarker)) {
    const directive = patch[directiveMarker];
    if (directive === 'replace') {
      delete patch[directiveMarker];
      return mergeMap({}, patch, schema);
    }
    if (directive === 'delete') return {};
    throw badRequest(`unknown patch type: ${String(directive)} in map: ${describe(patch)}`);
  }

  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, schema);

  for (let [key, patchValue] of Object.entries(patch)) {
    const isDeleteList = key.startsWith(`${deleteFromPrimitiveListPrefix}/`);
    if (isDeleteList) key = directiveTarget(key, deleteFromPrimitiveListPrefix);

    if (patchValue === null) {
      delete original[key];
      continue;
    }
    if (!Object.hasOwn(original, key) || kindOf(original[key]) !== kindOf(patchValue)) {
      if (!isDeleteList) putKey(original, key, freshValue(patchValue, schema, key));
      continue;
    }
    const current = original[key];
    if (isJsonObject(current) && isJsonObject(patchValue)) {
      const strategy = mergeStrategy(schema, key);
      putKey(original, key, strategy === 'replace' ? freshValue(patchValue, schema, key) : mergeMap(current, patchValue, schema?.field(key)));
    } else if (Array.isArray(current) && Array.isArray(patchValue)) {
      putKey(original, key, mergeList(current, patchValue, schema, key, isDeleteList));
    } else {
      putKey(original, key, patchValue);
    }
  }
  return original;
}

/** A value the original did not have: taken from the patch, with its directives applied to nothing. */
function freshValue(value: JsonValue, schema: SchemaNode | undefined, key: string): JsonValue {
  if (isJsonObject(value)) return mergeMap({}, value, schema?.field(key));
  if (Array.isArray(value) && mergeStrategy(schema, key) === 'merge') return mergeList([], value, schema, key, false);
  return value;
}

/** The strategy other than retainKeys (Kubernetes' extractRetainKeysPatchStrategy). */
function mergeStrategy(schema: SchemaNode | undefined, key: string): string {
  const strategies = schema?.patchMeta(key).strategies ?? [];
  const others = strategies.filter((s) => s !== 'retainKeys');
  if (others.length > 1 || strategies.length > 2) throw invalid(`unexpected patch strategy: ${strategies.join(',')}`);
  return others[0] ?? '';
}

function mergeList(original: JsonValue[], patch: JsonValue[], schema: SchemaNode | undefined, key: string, isDeleteList: boolean): JsonValue[] {
  if (mergeStrategy(schema, key) !== 'merge') return patch;
  const mergeKey = schema?.patchMeta(key).mergeKey ?? '';
  return mergeSlice(original, patch, schema?.field(key)?.items(), mergeKey, isDeleteList);
}

function mergeSlice(original: JsonValue[], patch: JsonValue[], items: SchemaNode | undefined, mergeKey: string, isDeleteList: boolean): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(mergeKey, original, patch);
  let merged: JsonValue[];
  if (kind === 'scalar') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    merged = [...new Set([...original, ...patch])];
  } else {
    if (!mergeKey) throw invalid('cannot merge lists without merge key');
    [original, patch] = applyListDirectives(original as JsonObject[], patch as JsonObject[], mergeKey, items);
    merged = [...original];
    for (const element of patch as JsonObject[]) {
      if (!Object.hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
      const index = merged.findIndex((m) => isJsonObject(m) && m[mergeKey] === element[mergeKey]);
      if (index >= 0) merged[index] = mergeMap(merged[index] as JsonObject, element, items);
      else merged.push(mergeMap({}, element, items));
    }
  }
  const [patchItems, serverOnly] = partition(merged, patch, mergeKey, kind);
  return normalizeElementOrder(patchItems, serverOnly, patch, original, mergeKey, kind);
}

/** Handles `$patch: delete` and `$patch: replace` elements of a merging list of maps. */
function applyListDirectives(original: JsonObject[], patch: JsonObject[], mergeKey: string, items: SchemaNode | undefined): [JsonObject[], JsonObject[]] {
  const plain: JsonObject[] = [];
  let replace = false;
  for (const element of patch) {
    if (!Object.hasOwn(element, directiveMarker)) {
      plain.push(element);
      continue;
    }
    switch (element[directiveMarker]) {
      case 'delete':
        if (!Object.hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
        original = original.filter((o) => o[mergeKey] !== element[mergeKey]);
        break;
      case 'replace':
        replace = true;
        break;
      case 'merge':
        throw invalid('merging lists cannot yet be specified in the patch');
      default:
        throw badRequest(`unknown patch type: ${String(element[directiveMarker])} in map: ${describe(element)}`);
    }
  }
  return replace ? [plain.map((e) => mergeMap({}, e, items)), []] : [original, plain];
}

function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, retainKeysDirective)) return;
  const retain = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(retain)) throw badRequest('invalid patch format of retainKeys');
  const keep = new Set(retain);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(`${deleteFromPrimitiveListPrefix}/`) || key.startsWith(`${setElementOrderPrefix}/`)) continue;
    if (!keep.has(key)) throw badRequest('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) {
    if (!keep.has(key)) delete original[key];
  }
}

/** Processes each `$setElementOrder/<field>` with its list (Kubernetes' mergePatchIntoOriginal). */
function mergeOrderedLists(original: JsonObject, patch: JsonObject, schema: SchemaNode | undefined): void {
  for (const [directiveKey, order] of Object.entries(patch)) {
    if (!directiveKey.startsWith(`${setElementOrderPrefix}/`)) continue;
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw badRequest('invalid patch format of setElementOrder list');
    const key = directiveTarget(directiveKey, setElementOrderPrefix);
    const originalList = original[key];
    const patchList = patch[key];
    const foundOriginal = Object.hasOwn(original, key);
    const foundPatch = Object.hasOwn(patch, key);
    if (foundOriginal && !Array.isArray(originalList)) throw invalid(`${key} is not a list`);
    if (foundPatch && !Array.isArray(patchList)) throw invalid(`${key} in the patch is not a list`);
    if (!foundOriginal && !foundPatch) continue;

    const mergeKey = schema?.patchMeta(key).mergeKey ?? '';
    validateOrder((patchList as JsonValue[] | undefined) ?? [], order, mergeKey);
    const merged = (
      foundOriginal && foundPatch
        ? mergeList(originalList as JsonValue[], patchList as JsonValue[], schema, key, false)
        : foundOriginal
          ? originalList
          : freshValue(patchList as JsonValue[], schema, key)
    ) as JsonValue[];
    const kind = elementKind(mergeKey, (originalList as JsonValue[] | undefined) ?? [], (patchList as JsonValue[] | undefined) ?? []);
    const [patchItems, serverOnly] = partition(merged, order, mergeKey, kind);
    original[key] = normalizeElementOrder(patchItems, serverOnly, order, (originalList as JsonValue[] | undefined) ?? [], mergeKey, kind);
    delete patch[key];
  }
}

/** The patch list must be in the order `$setElementOrder` gives (deletions aside). */
function validateOrder(patchList: JsonValue[], order: JsonValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const kept = mergeKey ? patchList.filter((e) => !(isJsonObject(e) && e[directiveMarker] === 'delete')) : patchList;
  let p = 0;
  let o = 0;
  while (p < kept.length && o < order.length) {
    if (isJsonObject(kept[p]) && Object.hasOwn(kept[p] as JsonObject, directiveMarker)) {
      p++;
      continue;
    }
    if (mergeKeyValue(kept[p], mergeKey) === mergeKeyValue(order[o], mergeKey)) p++;
    o++;
  }
  if (p < kept.length) {
    throw invalid(`The order in patch list:\n${describe(patchList)}\n doesn't match ${setElementOrderPrefix} list:\n${describe(order)}\n`);
  }
}

function mergeKeyValue(element: JsonValue, mergeKey: string): JsonValue {
  if (!mergeKey) return element;
  if (!isJsonObject(element)) throw invalid(`expected a map in a list merged by ${mergeKey}, got ${describe(element)}`);
  if (!Object.hasOwn(element, mergeKey)) throw noMergeKey(element, mergeKey);
  return element[mergeKey];
}

function partition(list: JsonValue[], by: JsonValue[], mergeKey: string, kind: ElementKind): [JsonValue[], JsonValue[]] {
  const present = new Set(by.map((e) => identity(e, mergeKey, kind)));
  const inPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const element of list) (present.has(identity(element, mergeKey, kind)) ? inPatch : serverOnly).push(element);
  return [inPatch, serverOnly];
}

/**
 * Orders `patch` items as in `patchOrder` and server-only items as in
 * `serverOrder`, then interleaves them so that both relative orders hold
 * (Kubernetes' normalizeElementOrder and mergeSortedSlice).
 */
function normalizeElementOrder(
  patch: JsonValue[],
  serverOnly: JsonValue[],
  patchOrder: JsonValue[],
  serverOrder: JsonValue[],
  mergeKey: string,
  kind: ElementKind,
): JsonValue[] {
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind);
  const right = sortByOrder(patch, patchOrder, mergeKey, kind);
  const indexIn = (list: JsonValue[], v: JsonValue) => list.findIndex((e) => identity(e, mergeKey, kind) === identity(v, mergeKey, kind));
  const result: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) result.push(left[i++]);
    else if (i >= left.length) result.push(right[j++]);
    else {
      const li = indexIn(serverOrder, left[i]);
      const ri = indexIn(serverOrder, right[j]);
      result.push(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
    }
  }
  return result;
}

function sortByOrder(list: JsonValue[], order: JsonValue[], mergeKey: string, kind: ElementKind): JsonValue[] {
  const positions = new Map<unknown, number>();
  order.forEach((e, i) => {
    const id = identity(e, mergeKey, kind);
    if (!positions.has(id)) positions.set(id, i);
  });
  const deletions = kind === 'map' ? list.filter((e) => isJsonObject(e) && e[directiveMarker] === 'delete') : [];
  const kept = list.filter((e) => !deletions.includes(e));
  const position = (e: JsonValue) => positions.get(identity(e, mergeKey, kind)) ?? Number.MAX_SAFE_INTEGER;
  return [...kept.sort((a, b) => position(a) - position(b)), ...deletions];
}

function identity(element: JsonValue, mergeKey: string, kind: ElementKind): unknown {
  return kind === 'map' && isJsonObject(element) ? element[mergeKey] : element;
}

function elementKind(mergeKey: string, ...lists: JsonValue[][]): ElementKind {
  let seen: string | undefined;
  for (const list of lists) {
    for (const element of list) {
      const kind = kindOf(element);
      if (kind === 'list') throw invalid('lists of lists are not supported');
      if (seen !== undefined && seen !== kind) throw invalid(`list element types are not identical: ${describe(lists)}`);
      seen = kind;
    }
  }
  if (seen === undefined) return mergeKey ? 'map' : 'scalar';
  return seen === 'map' ? 'map' : 'scalar';
}

function kindOf(value: JsonValue | undefined): string {
  if (Array.isArray(value)) return 'list';
  if (isJsonObject(value)) return 'map';
  return value === null ? 'null' : typeof value;
}

function directiveTarget(key: string, prefix: string): string {
  const target = key.slice(prefix.length + 1);
  if (!target) {
    throw badRequest(prefix === setElementOrderPrefix ? 'invalid patch format of setElementOrder list' : 'invalid patch format of primitive list');
  }
  return target;
}

function noMergeKey(element: JsonValue, mergeKey: string) {
  return invalid(`map: ${describe(element)} does not contain declared merge key: ${mergeKey}`);
}

function describe(value: unknown): string {
  return JSON.stringify(value);
}
