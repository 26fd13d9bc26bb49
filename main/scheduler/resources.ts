// The resource vector the scheduler adds up (framework.Resource), read from
// ResourceLists with the API server's quantity parser, rounded up as
// Quantity.MilliValue() (cpu) and Quantity.Value() (everything else) do.

import { milliValue, quantityValue } from '../kube/quantity.ts';
import type { ResourceList } from './types.ts';

/** framework.Resource: cpu in millicores, memory and ephemeral storage in bytes. */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Only meaningful for a node's allocatable (`pods`). */
  allowedPodNumber: number;
  /** Extended resources (`example.com/gpu`), hugepages-*, attachable-volumes-*. */
  scalar: Record<string, number>;
}

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: {} };
}

/** schedutil.IsScalarResourceName: resources that are counted like cpu and memory but are not one of them. */
export function isScalarResourceName(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  // Extended (`example.com/foo`) and prefixed native (`kubernetes.io/foo`) names; `requests.` names are quota-only.
  return name.includes('/') && !name.startsWith('requests.');
}

/** Resource.Add(list): unknown resource names are ignored, as Kubernetes does. */
export function addResourceList(target: Resource, list: ResourceList | undefined): void {
  for (const [name, quantity] of Object.entries(list ?? {})) {
    switch (name) {
      case 'cpu':
        target.milliCPU += milliValue(String(quantity));
        break;
      case 'memory':
        target.memory += quantityValue(String(quantity));
        break;
      case 'ephemeral-storage':
        target.ephemeralStorage += quantityValue(String(quantity));
        break;
      case 'pods':
        target.allowedPodNumber += quantityValue(String(quantity));
        break;
      default:
        if (isScalarResourceName(name)) target.scalar[name] = (target.scalar[name] ?? 0) + quantityValue(String(quantity));
    }
  }
}

export function resourceFromList(list: ResourceList | undefined): Resource {
  const resource = emptyResource();
  addResourceList(resource, list);
  return resource;
}

/** Adds `delta` times `sign` into `target` (sign -1 removes a pod from a node's sum). */
export function addResource(target: Resource, delta: Resource, sign: 1 | -1 = 1): void {
  target.milliCPU += sign * delta.milliCPU;
  target.memory += sign * delta.memory;
  target.ephemeralStorage += sign * delta.ephemeralStorage;
  target.allowedPodNumber += sign * delta.allowedPodNumber;
  for (const [name, value] of Object.entries(delta.scalar)) target.scalar[name] = (target.scalar[name] ?? 0) + sign * value;
}

/** Raises every dimension of `target` to at least the one in `other`. */
export function maxResource(target: Resource, other: Resource): void {
  target.milliCPU = Math.max(target.milliCPU, other.milliCPU);
  target.memory = Math.max(target.memory, other.memory);
  target.ephemeralStorage = Math.max(target.ephemeralStorage, other.ephemeralStorage);
  target.allowedPodNumber = Math.max(target.allowedPodNumber, other.allowedPodNumber);
  for (const [name, value] of Object.entries(other.scalar)) target.scalar[name] = Math.max(target.scalar[name] ?? 0, value);
}

export function cloneResource(resource: Resource): Resource {
  return { ...resource, scalar: { ...resource.scalar } };
}
