// JSON Patch (RFC 6902), applied atomically to a copy of the document. A body
// that is not a list of operations is a 400; an operation that does not
// apply (missing path, failed test) is a 422, as kube-apiserver answers.
// Messages follow evanphx/json-patch, which kube-apiserver uses.
//
// Bounded as in kube-apiserver (CVE-2019-1002100, where a few `copy`
// operations doubling a value grew an object to gigabytes): at most 10,000
// operations, and `copy` may add at most 3 MiB in all (JSONPatchMaxCopyBytes,
// twice etcd's request limit, as a JSON body shrinks to protobuf in etcd).

import { badRequest, invalid, PatchError } from './patchError.ts';
import { deepCopy, deepEqual, isJsonObject, type JsonObject, type JsonValue } from './json.ts';
import { putKey } from '../../kube/ownKeys.ts';

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: JsonValue;
}

const operations = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

export const maxJsonPatchOperations = 10_000;
export const maxJsonPatchCopyBytes = 3 * 1024 * 1024;

/** Checks the shape of a JSON Patch document; throws 400 if it is not one. */
export function parseJsonPatch(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw badRequest('json patch must be a list of operations');
  if (patch.length > maxJsonPatchOperations) {
    throw new PatchError('RequestEntityTooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${maxJsonPatchOperations}, got ${patch.length}`);
  }
  return patch.map((op, i) => {
    if (!isJsonObject(op)) throw badRequest(`json patch operation ${i} is not an object`);
    if (typeof op.op !== 'string' || !operations.has(op.op)) throw badRequest(`Unexpected kind: ${String(op.op)}`);
    if (typeof op.path !== 'string') throw badRequest(`json patch operation ${i} (${op.op}) has no "path"`);
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') {
      throw badRequest(`json patch operation ${i} (${op.op}) has no "from"`);
    }
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !Object.hasOwn(op, 'value')) {
      throw badRequest(`json patch operation ${i} (${op.op}) has no "value"`);
    }
    return op as unknown as Operation;
  });
}

export function applyJsonPatch(document: JsonValue, patch: unknown): JsonValue {
  const ops = parseJsonPatch(patch);
  let doc = deepCopy(document);
  let copiedBytes = 0;
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        doc = add(doc, op.path, deepCopy(op.value as JsonValue));
        break;
      case 'remove':
        doc = remove(doc, op.path, 'remove');
        break;
      case 'replace':
        get(doc, op.path, 'replace');
        doc = op.path === '' ? deepCopy(op.value as JsonValue) : add(remove(doc, op.path, 'replace'), op.path, deepCopy(op.value as JsonValue));
        break;
      case 'move': {
        const from = op.from!;
        if (op.path !== from && op.path.startsWith(`${from}/`)) {
          throw invalid(`move operation does not apply: "from" ${from} is a parent of "path" ${op.path}`);
        }
        const value = get(doc, from, 'move');
        doc = add(remove(doc, from, 'move'), op.path, value);
        break;
      }
      case 'copy': {
        const value = get(doc, op.from!, 'copy');
        // Counted before copying: the copy itself is what must not be made.
        copiedBytes += Buffer.byteLength(JSON.stringify(value));
        if (copiedBytes > maxJsonPatchCopyBytes) {
          throw invalid(`Unable to complete the copy, the accumulated size increase of copy is ${copiedBytes}, exceeding the limit ${maxJsonPatchCopyBytes}`);
        }
        doc = add(doc, op.path, deepCopy(value));
        break;
      }
      case 'test': {
        const actual = lookup(doc, pointer(op.path));
        if (actual === undefined || !deepEqual(actual, op.value)) throw invalid(`testing value ${op.path} failed: test failed`);
        break;
      }
    }
  }
  return doc;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw invalid(`JSON pointer ${JSON.stringify(path)} does not start with "/"`);
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(token: string, length: number, allowEnd: boolean): number | undefined {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const index = Number(token);
  return index < length || (allowEnd && index === length) ? index : undefined;
}

function lookup(doc: JsonValue, tokens: string[]): JsonValue | undefined {
  let current: JsonValue | undefined = doc;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      const index = arrayIndex(token, current.length, false);
      current = index === undefined ? undefined : current[index];
    } else if (isJsonObject(current)) {
      current = Object.hasOwn(current, token) ? current[token] : undefined;
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}

function get(doc: JsonValue, path: string, op: string): JsonValue {
  const value = lookup(doc, pointer(path));
  if (value === undefined) throw invalid(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return value;
}

function parentOf(doc: JsonValue, path: string, op: string): { parent: JsonValue[] | JsonObject; key: string } {
  const tokens = pointer(path);
  const parent = lookup(doc, tokens.slice(0, -1));
  if (!Array.isArray(parent) && !isJsonObject(parent)) {
    throw invalid(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  return { parent, key: tokens[tokens.length - 1] };
}

function add(doc: JsonValue, path: string, value: JsonValue): JsonValue {
  if (path === '') return value;
  const { parent, key } = parentOf(doc, path, 'add');
  if (Array.isArray(parent)) {
    const index = arrayIndex(key, parent.length, true);
    if (index === undefined) throw invalid(`add operation does not apply: index ${key} is out of bounds in "${path}"`);
    parent.splice(index, 0, value);
  } else {
    putKey(parent, key, value);
  }
  return doc;
}

function remove(doc: JsonValue, path: string, op: string): JsonValue {
  if (path === '') throw invalid(`${op} operation does not apply: cannot remove the whole document`);
  const { parent, key } = parentOf(doc, path, op);
  if (Array.isArray(parent)) {
    const index = arrayIndex(key, parent.length, false);
    if (index === undefined) throw invalid(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    parent.splice(index, 1);
  } else {
    if (!Object.hasOwn(parent, key)) throw invalid(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
    delete parent[key];
  }
  return doc;
}
