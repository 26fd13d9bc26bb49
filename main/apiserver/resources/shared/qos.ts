// qos.GetPodQOS: Guaranteed when every container limits cpu and memory and
// requests equal limits, BestEffort when nothing is requested or limited,
// Burstable otherwise. Computed once, on create.

import { addQuantities, compareQuantities, parseQuantity, type Quantity } from '../../../kube/quantity.ts';
import { objectAt, objectsAt, type JsonObject } from './json.ts';

const qosResources = new Set(['cpu', 'memory']);

function positiveQuantities(list: JsonObject | undefined): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [name, value] of Object.entries(list ?? {})) {
    if (!qosResources.has(name)) continue;
    try {
      const q = parseQuantity(String(value));
      if (q.nano > 0n) out.set(name, q);
    } catch {
      // Validation reports unparsable quantities; QoS ignores them.
    }
  }
  return out;
}

function accumulate(total: Map<string, Quantity>, add: Map<string, Quantity>): void {
  for (const [name, q] of add) total.set(name, total.has(name) ? addQuantities(total.get(name)!, q) : q);
}

export function podQOSClass(podSpec: JsonObject | undefined): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const c of [...objectsAt(podSpec, 'containers'), ...objectsAt(podSpec, 'initContainers')]) {
    const resources = objectAt(c, 'resources');
    accumulate(requests, positiveQuantities(objectAt(resources, 'requests')));
    const containerLimits = positiveQuantities(objectAt(resources, 'limits'));
    accumulate(limits, containerLimits);
    if (!containerLimits.has('cpu') || !containerLimits.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || compareQuantities(lim, req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
