// The one entry point the API server calls for PATCH: picks the patch format
// from the request's Content-Type, parses the body, and applies it to the
// stored object. Errors are PatchErrors whose `code` is the HTTP status.

import type { KubeObject } from '../../kube/meta.ts';
import type { GroupVersionKind } from '../openapi/schema.ts';
import type { SchemaLookup } from '../openapi/schemaLookup.ts';
import { applyJsonPatch } from './jsonPatch.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './json.ts';
import { applyMergePatch } from './mergePatch.ts';
import { PatchError, badRequest, invalid } from './patchError.ts';
import { applyStrategicMergePatch } from './strategicMergePatch.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

export const patchContentTypes = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;

/** The patch types PodLab accepts, in the order kube-apiserver lists them in a 415. */
export const supportedPatchTypes: string[] = [patchContentTypes.json, patchContentTypes.merge, 'application/apply-patch+yaml', patchContentTypes.strategic];

/**
 * Applies `patch` (the raw request body, or an already parsed value) to
 * `original`, which is not modified.
 *
 * @param contentType the request's Content-Type; parameters such as `charset` are ignored.
 * @throws PatchError 415 for server-side apply and unknown types, 400 for an unreadable body, 422 for a patch that does not apply.
 */
export function applyPatch(
  contentType: string,
  original: KubeObject,
  patch: string | Uint8Array | unknown,
  schemaLookup: SchemaLookup,
  gvk: GroupVersionKind,
): KubeObject {
  const type = contentType.split(';')[0].trim().toLowerCase();
  const target = deepCopy(original) as unknown as JsonObject;
  let result: JsonValue;
  switch (type) {
    case patchContentTypes.json:
      result = applyJsonPatch(target, parseBody(patch));
      break;
    case patchContentTypes.merge: {
      const body = parseBody(patch);
      if (!isJsonObject(body)) throw badRequest('a merge patch must be a JSON object');
      result = applyMergePatch(target, body);
      break;
    }
    case patchContentTypes.strategic: {
      const schema = schemaLookup.forKind(gvk);
      if (!schema) {
        throw new PatchError(
          'UnsupportedMediaType',
          `strategic merge patch is not supported for ${gvk.kind} (${gvk.group || 'core'}/${gvk.version}): use application/merge-patch+json or application/json-patch+json`,
        );
      }
      result = applyStrategicMergePatch(target, parseBody(patch), schema);
      break;
    }
    default:
      throw new PatchError(
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${supportedPatchTypes.join(', ')}`,
      );
  }
  if (!isJsonObject(result)) throw invalid('the patched object is not a JSON object');
  if (!isJsonObject(result.metadata)) result.metadata = {};
  return result as unknown as KubeObject;
}

function parseBody(body: string | Uint8Array | unknown): JsonValue {
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return body as JsonValue;
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  try {
    return JSON.parse(text) as JsonValue;
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}
