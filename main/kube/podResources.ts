// What a pod asks for, as Kubernetes' resource helpers add it up for quota
// and limits: per resource, the sum over its containers, or the largest init
// container when that is more (init containers run one at a time), plus the
// pod overhead.

import { addQuantities, compareQuantities, parseQuantity, type Quantity } from './quantity.ts';

interface ContainerResources {
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

export interface PodSpecResources {
  containers?: ContainerResources[];
  initContainers?: Array<ContainerResources & { restartPolicy?: string }>;
  overhead?: Record<string, string>;
}

function add(into: Map<string, Quantity>, list: Record<string, string> | undefined): void {
  for (const [name, value] of Object.entries(list ?? {})) {
    const q = parseQuantity(String(value));
    const had = into.get(name);
    into.set(name, had ? addQuantities(had, q) : q);
  }
}

/** The pod's `requests` or `limits`, per resource name. */
export function podResourceList(spec: PodSpecResources, which: 'requests' | 'limits'): Map<string, Quantity> {
  const total = new Map<string, Quantity>();
  for (const container of spec.containers ?? []) add(total, container.resources?.[which]);
  for (const init of spec.initContainers ?? []) {
    const own = new Map<string, Quantity>();
    add(own, init.resources?.[which]);
    for (const [name, q] of own) {
      const had = total.get(name);
      if (!had || compareQuantities(q, had) > 0) total.set(name, q);
    }
  }
  add(total, spec.overhead);
  return total;
}
