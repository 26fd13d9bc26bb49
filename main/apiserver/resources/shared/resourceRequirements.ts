// Container resource requests and limits (ValidateContainerResourceRequirements):
// names a container may use, quantities that parse and are not negative,
// and requests no larger than limits.

import type { FieldError } from '../../../kube/meta.ts';
import { invalid, isNegativeErrorMsg, required } from '../../validation/fieldErrors.ts';
import { isQualifiedName } from '../../validation/names.ts';
import { compareQuantities, formatQuantity, parseQuantity, type Quantity } from '../../../kube/quantity.ts';
import { objectAt, type JsonObject } from './json.ts';

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

function isHugePages(name: string): boolean {
  return name.startsWith('hugepages-');
}

// Native resources (no domain, or a kubernetes.io domain) cannot be overcommitted unless they are
// one of the standard ones; extended resources (example.com/gpu) never can.
function isOvercommitAllowed(name: string): boolean {
  const native = !name.includes('/') || name.includes('kubernetes.io/');
  return native && !isHugePages(name);
}

function validateResourceName(name: string, field: string): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalid(field, name, msg));
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !isHugePages(name)) errs.push(invalid(field, name, 'must be a standard resource for containers'));
  } else if (!name.includes('kubernetes.io/') && name.startsWith('requests.')) {
    errs.push(invalid(field, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

function readQuantity(value: unknown, field: string, errs: FieldError[]): Quantity | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  try {
    const q = parseQuantity(text);
    if (q.nano < 0n) errs.push(invalid(field, formatQuantity(q), isNegativeErrorMsg));
    return q;
  } catch (err) {
    errs.push(invalid(field, value, (err as Error).message));
    return undefined;
  }
}

export function validateResourceRequirements(resources: JsonObject | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const limits = objectAt(resources, 'limits') ?? {};
  const requests = objectAt(resources, 'requests') ?? {};
  const limitQuantities = new Map<string, Quantity>();
  for (const [name, value] of Object.entries(limits)) {
    const field = `${path}.limits[${name}]`;
    errs.push(...validateResourceName(name, field));
    const q = readQuantity(value, field, errs);
    if (q) limitQuantities.set(name, q);
  }
  for (const [name, value] of Object.entries(requests)) {
    const field = `${path}.requests[${name}]`;
    errs.push(...validateResourceName(name, field));
    const q = readQuantity(value, field, errs);
    if (!q) continue;
    const limit = limitQuantities.get(name);
    if (limit) {
      const cmp = compareQuantities(q, limit);
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.push(invalid(`${path}.requests`, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(limit)}`));
      } else if (cmp > 0) {
        errs.push(invalid(`${path}.requests`, formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(`${path}.limits`, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}
