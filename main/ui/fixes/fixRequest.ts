// The shape checks of a fix request from the renderer (the fix travels
// there and back with the finding; the API server still judges its content).

import type { Fix, FixChange, FixCheckRequest, FixRequest, FixTarget, JsonPatchOperation } from '../../../preload/api.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { badRequest } from '../bridgeError.ts';
import { isRecord, optionalString, requestObject, requiredString } from '../requestFields.ts';

function change(value: unknown, index: number): FixChange {
  if (!isRecord(value)) throw badRequest(`fix.changes[${index}] must be an object`);
  if (value.action === 'create' && isRecord(value.object) && isRecord(value.object.metadata)) return { action: 'create', object: value.object as unknown as KubeObject };
  if ((value.action === 'podSpec' || value.action === 'ownerPatch') && isRecord(value.patch)) return { action: value.action, patch: value.patch };
  if (value.action === 'replace' && isRecord(value.object) && isRecord(value.object.metadata)) return { action: 'replace', object: value.object as unknown as KubeObject };
  if (value.action === 'patch' && isTarget(value.target) && Array.isArray(value.patch) && value.patch.every(isOperation)) return { action: 'patch', target: value.target, patch: value.patch };
  throw badRequest(`fix.changes[${index}] must be {action: create or replace, object}, {action: podSpec or ownerPatch, patch} or {action: patch, target, patch: [operations]}`);
}

function isTarget(value: unknown): value is FixTarget {
  return isRecord(value) && typeof value.apiVersion === 'string' && typeof value.kind === 'string' && typeof value.name === 'string' && (value.namespace === undefined || typeof value.namespace === 'string');
}

function isOperation(value: unknown): value is JsonPatchOperation {
  return isRecord(value) && ['add', 'remove', 'replace', 'test'].includes(value.op as string) && typeof value.path === 'string';
}

function fix(value: unknown): Fix {
  if (!isRecord(value) || !Array.isArray(value.changes) || value.changes.length === 0) throw badRequest('fix must be {title, explanation, changes: [...]}');
  return { title: requiredString(value, 'title'), explanation: typeof value.explanation === 'string' ? value.explanation : '', changes: value.changes.map(change) };
}

export function fixRequest(request: unknown): FixRequest {
  const pod = optionalString(request, 'pod') ?? '';
  const owner = requestObject(request).owner;
  if (!pod && !(isRecord(owner) && typeof owner.kind === 'string' && typeof owner.name === 'string' && owner.kind && owner.name)) throw badRequest('pod, or owner {kind, name}, is required');
  return { namespace: requiredString(request, 'namespace'), pod, ...(!pod && isRecord(owner) && { owner: { kind: String(owner.kind), name: String(owner.name) } }), fix: fix(requestObject(request).fix) };
}

export function fixCheckRequest(request: unknown): FixCheckRequest {
  const appliedAt = requiredString(request, 'appliedAt');
  if (Number.isNaN(Date.parse(appliedAt))) throw badRequest('appliedAt must be an RFC 3339 time');
  const ownerUid = optionalString(request, 'ownerUid');
  return { namespace: requiredString(request, 'namespace'), pod: requiredString(request, 'pod'), rule: requiredString(request, 'rule'), appliedAt, title: requiredString(request, 'title'), ...(ownerUid && { ownerUid }) };
}
