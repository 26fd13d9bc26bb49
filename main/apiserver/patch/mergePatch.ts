// JSON Merge Patch (RFC 7386): objects merge key by key, null deletes a
// key, anything else (lists included) replaces. This is what `kubectl
// label`, `kubectl annotate` and `kubectl patch --type merge` send.

import { isJsonObject, type JsonObject, type JsonValue } from './json.ts';
import { deepCopy } from '../../kube/deepCopy.ts';
import { ownValue, putKey } from '../../kube/ownKeys.ts';

export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return deepCopy(patch);
  const result: JsonObject = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else putKey(result, key, applyMergePatch(ownValue(result, key), value));
  }
  return result;
}
