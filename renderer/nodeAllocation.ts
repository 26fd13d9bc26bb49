// What the pods bound to a node take of it, as `kubectl describe node` prints
// under "Allocated resources": the requests and limits of its pods that have
// not finished (PodRequests / PodLimits of k8s.io/component-helpers), summed as
// resource.Quantity adds, against the node's allocatable.

import { addQuantities, compareQuantities, formatQuantity, milliValue, parseQuantity, quantityValue, type Quantity } from '../main/kube/quantity.ts';
import type { NodeView, PodView } from '../main/insight/podView.ts';

type Totals = Record<string, Quantity>;
type Kind = 'requests' | 'limits';

export interface AllocatedResource {
  /** cpu, memory, then any other resource a pod asks for. */
  resource: string;
  requests: string;
  /** Percent of allocatable, truncated as kubectl prints it; absent when the node offers none of it. */
  requestsPercent?: number;
  limits: string;
  limitsPercent?: number;
}

export interface NodeAllocation {
  /** Pods on the node that have not finished. */
  pods: number;
  resources: AllocatedResource[];
}

const zero: Quantity = { nano: 0n, format: 'DecimalSI' };

/** Quantities come from validated objects; one that does not parse counts as nothing rather than blanking the view. */
function quantity(value: string | number | undefined): Quantity | undefined {
  try {
    return value === undefined ? undefined : parseQuantity(String(value));
  } catch {
    return undefined;
  }
}

// Quantity.Add: a zero takes the format of what is added to it.
function addQuantity(totals: Totals, name: string, q: Quantity): void {
  const current = totals[name];
  totals[name] = !current || current.nano === 0n ? { nano: (current?.nano ?? 0n) + q.nano, format: q.format } : addQuantities(current, q);
}

function addList(totals: Totals, list: Record<string, string | number> | undefined): void {
  for (const [name, value] of Object.entries(list ?? {})) {
    const q = quantity(value);
    if (q) addQuantity(totals, name, q);
  }
}

function raise(totals: Totals, other: Totals): void {
  for (const [name, q] of Object.entries(other)) if (!totals[name] || compareQuantities(q, totals[name]) > 0) totals[name] = q;
}

/**
 * App containers run together (their sum); init containers run one at a time
 * (the largest), each beside the sidecars (restartable init containers)
 * started before it, which keep running with the app containers.
 */
function podResources(pod: PodView, kind: Kind): Totals {
  const total: Totals = {};
  for (const c of pod.spec?.containers ?? []) addList(total, c.resources?.[kind]);
  const sidecars: Totals = {};
  const initPeak: Totals = {};
  for (const c of pod.spec?.initContainers ?? []) {
    if (c.restartPolicy === 'Always') {
      addList(total, c.resources?.[kind]);
      addList(sidecars, c.resources?.[kind]);
      raise(initPeak, sidecars);
    } else {
      const running: Totals = { ...sidecars };
      addList(running, c.resources?.[kind]);
      raise(initPeak, running);
    }
  }
  raise(total, initPeak);
  // The runtime class overhead counts in full for requests, and for limits only where a limit is set.
  const overhead = (pod.spec as { overhead?: Record<string, string> } | undefined)?.overhead ?? {};
  addList(total, kind === 'requests' ? overhead : Object.fromEntries(Object.entries(overhead).filter(([name]) => name in total)));
  return total;
}

/** kubectl's "Non-terminated Pods": bound to the node and neither Succeeded nor Failed. */
export function podsOnNode(nodeName: string, pods: PodView[]): PodView[] {
  return pods.filter((p) => p.spec?.nodeName === nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
}

function percent(used: Quantity, allocatable: Quantity | undefined, resource: string): number | undefined {
  if (!allocatable) return undefined;
  // kubectl compares cpu in millicores and everything else in whole units.
  const value = resource === 'cpu' ? milliValue : quantityValue;
  const of = value(allocatable);
  return of === 0 ? undefined : Math.trunc((value(used) / of) * 100);
}

export function nodeAllocation(node: NodeView, pods: PodView[]): NodeAllocation {
  const onNode = podsOnNode(node.metadata.name ?? '', pods);
  const requests: Totals = {};
  const limits: Totals = {};
  for (const pod of onNode) {
    for (const [name, q] of Object.entries(podResources(pod, 'requests'))) addQuantity(requests, name, q);
    for (const [name, q] of Object.entries(podResources(pod, 'limits'))) addQuantity(limits, name, q);
  }
  const others = [...new Set([...Object.keys(requests), ...Object.keys(limits)])].filter((r) => r !== 'cpu' && r !== 'memory').sort();
  const allocatable = node.status?.allocatable ?? {};
  const resources = ['cpu', 'memory', ...others].map((resource): AllocatedResource => {
    const requested = requests[resource] ?? zero;
    const limited = limits[resource] ?? zero;
    const offered = quantity(allocatable[resource]);
    return { resource, requests: formatQuantity(requested), requestsPercent: percent(requested, offered, resource), limits: formatQuantity(limited), limitsPercent: percent(limited, offered, resource) };
  });
  return { pods: onNode.length, resources };
}

/** One line as the node card shows it: `cpu 350m (17%) · memory 192Mi (9%)`. */
export function allocationText(allocation: NodeAllocation, kind: Kind): string {
  return allocation.resources
    .map((r) => {
      const value = kind === 'requests' ? r.requests : r.limits;
      const share = kind === 'requests' ? r.requestsPercent : r.limitsPercent;
      return `${r.resource} ${value}${share === undefined ? '' : ` (${share}%)`}`;
    })
    .join(' · ');
}
