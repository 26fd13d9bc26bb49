// Requests reach the main side from a renderer (or, in browser mode, from a
// WebSocket): their types are a promise, not a proof. These checks turn a
// malformed request into a 400 that says which field is wrong.

import type { DeleteRequest, EditRequest, ObjectRef, PropagationPolicy, ResourceType, Selection } from '../../preload/api.ts';
import { badRequest } from './bridgeError.ts';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requestObject(request: unknown): Record<string, unknown> {
  if (!isRecord(request)) throw badRequest('the request must be an object');
  return request;
}

export function requiredString(request: unknown, field: string): string {
  const value = requestObject(request)[field];
  if (typeof value !== 'string' || value === '') throw badRequest(`${field} is required (a non-empty string)`);
  return value;
}

export function optionalString(request: unknown, field: string): string | undefined {
  const value = requestObject(request)[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest(`${field} must be a string`);
  return value;
}

export function optionalInteger(request: unknown, field: string, min: number, max: number): number | undefined {
  const value = requestObject(request)[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`${field} must be an integer from ${min} to ${max}`);
  }
  return value;
}

export function requiredInteger(request: unknown, field: string, min: number, max: number): number {
  const value = optionalInteger(request, field, min, max);
  if (value === undefined) throw badRequest(`${field} is required (an integer from ${min} to ${max})`);
  return value;
}

export function optionalBoolean(request: unknown, field: string): boolean {
  const value = requestObject(request)[field];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw badRequest(`${field} must be true or false`);
  return value;
}

export function resourceType(request: unknown): ResourceType {
  const resource = requestObject(request).resource;
  if (!isRecord(resource) || typeof resource.group !== 'string' || typeof resource.version !== 'string' || typeof resource.plural !== 'string' || !resource.version || !resource.plural) {
    throw badRequest('resource must be {group, version, plural}');
  }
  return { group: resource.group, version: resource.version, plural: resource.plural };
}

export function objectRef(request: unknown): ObjectRef {
  return { resource: resourceType(request), namespace: optionalString(request, 'namespace'), name: requiredString(request, 'name') };
}

export function selection(request: unknown): Selection {
  return {
    resource: resourceType(request),
    namespace: optionalString(request, 'namespace'),
    labelSelector: optionalString(request, 'labelSelector'),
    fieldSelector: optionalString(request, 'fieldSelector'),
  };
}

const propagationPolicies: readonly PropagationPolicy[] = ['Background', 'Foreground', 'Orphan'];

export function optionalPropagationPolicy(request: unknown): PropagationPolicy | undefined {
  const value = optionalString(request, 'propagationPolicy');
  if (value !== undefined && !propagationPolicies.includes(value as PropagationPolicy)) throw badRequest(`propagationPolicy must be one of ${propagationPolicies.join(', ')}`);
  return value as PropagationPolicy | undefined;
}

export function deleteRequest(request: unknown): DeleteRequest {
  const uid = optionalString(request, 'uid');
  const propagationPolicy = optionalPropagationPolicy(request);
  return { ...objectRef(request), ...(propagationPolicy ? { propagationPolicy } : {}), ...(uid ? { uid } : {}) };
}

export function editRequest(request: unknown): EditRequest {
  return { ...objectRef(request), yaml: requiredString(request, 'yaml') };
}
