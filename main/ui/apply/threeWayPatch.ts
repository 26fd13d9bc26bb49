// The strategic merge patch client-side `kubectl apply` sends: the new
// configuration itself (the server merges it into the live object, so fields
// others set, such as defaults and status, stay), plus deletions for what
// the last applied configuration had and the new one no longer has — a
// removed field becomes null, a removed element of a list merged by key
// becomes `{key: value, $patch: delete}`. kubectl diffs against the live
// object too, to send a minimal patch; sending the whole configuration gives
// the same result, and the API server skips writes that change nothing,
// which is how "unchanged" is told apart.

import type { SchemaNode } from '../../apiserver/openapi/schemaLookup.ts';
import { deepCopy, isJsonObject, type JsonObject, type JsonValue } from '../../apiserver/patch/json.ts';

export function threeWayPatch(lastApplied: JsonObject | undefined, modified: JsonObject, schema: SchemaNode | undefined): JsonObject {
  const patch = deepCopy(modified);
  if (lastApplied) addDeletions(patch, lastApplied, modified, schema);
  return patch;
}

function addDeletions(patch: JsonObject, original: JsonObject, modified: JsonObject, schema: SchemaNode | undefined): void {
  for (const [key, before] of Object.entries(original)) {
    if (!Object.hasOwn(modified, key)) {
      patch[key] = null;
      continue;
    }
    const after = modified[key];
    const fieldSchema = schema?.field(key);
    if (isJsonObject(before) && isJsonObject(after)) {
      addDeletions(patch[key] as JsonObject, before, after, fieldSchema);
    } else if (Array.isArray(before) && Array.isArray(after)) {
      const { strategies, mergeKey } = schema?.patchMeta(key) ?? { strategies: [] };
      if (mergeKey && strategies.includes('merge')) addListDeletions(patch[key] as JsonValue[], before, after, mergeKey, fieldSchema?.items());
    }
  }
}

function addListDeletions(patchList: JsonValue[], before: JsonValue[], after: JsonValue[], mergeKey: string, itemSchema: SchemaNode | undefined): void {
  const keyOf = (element: JsonValue) => (isJsonObject(element) ? element[mergeKey] : undefined);
  for (const old of before) {
    const key = keyOf(old);
    if (key === undefined || !isJsonObject(old)) continue;
    const index = after.findIndex((element) => keyOf(element) === key);
    if (index < 0) {
      patchList.push({ [mergeKey]: key, $patch: 'delete' });
    } else if (isJsonObject(after[index])) {
      addDeletions(patchList[index] as JsonObject, old, after[index] as JsonObject, itemSchema);
    }
  }
}
