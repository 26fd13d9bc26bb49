// The downward API: pod fields and container resources as strings, for env
// vars and downwardAPI volume files, as fieldpath.ExtractFieldPathAsString
// and resource.ExtractContainerResourceValue. Limits a container does not set
// read as the node's allocatable, as the kubelet defaults them.

import { milliValue, parseQuantity, quantityValue } from '../kube/quantity.ts';
import type { Container, Pod, ResourceFieldSelector } from './types.ts';

export interface DownwardContext {
  pod: Pod;
  podIPs: string[];
  hostIPs: string[];
  /** Node allocatable, for limits a container leaves unset. */
  allocatable: Record<string, string>;
}

/** Go's strconv.Quote for the strings that occur in labels and annotations. */
function goQuote(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** fieldpath.FormatMap: `key="value"` lines, sorted by key. */
export function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((key) => `${key}=${goQuote(map![key]!)}`)
    .join('\n');
}

const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/;

export function podFieldValue(fieldPath: string, ctx: DownwardContext): string {
  const { pod } = ctx;
  const keyed = subscript.exec(fieldPath);
  if (keyed) {
    const map = keyed[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations;
    return map?.[keyed[2]!] ?? '';
  }
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'metadata.labels':
      return formatMap(pod.metadata.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata.annotations);
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP':
      return ctx.hostIPs[0] ?? '';
    case 'status.hostIPs':
      return ctx.hostIPs.join(',');
    case 'status.podIP':
      return ctx.podIPs[0] ?? '';
    case 'status.podIPs':
      return ctx.podIPs.join(',');
    default:
      throw new Error(`unsupported fieldPath: ${fieldPath}`);
  }
}

export function containerResourceValue(selector: ResourceFieldSelector, container: Container, allocatable: Record<string, string>): string {
  const [kind, resource] = selector.resource.split('.', 2) as ['limits' | 'requests', string];
  const divisor = parseQuantity(String(selector.divisor ?? '1'));
  const declared = container.resources?.[kind]?.[resource];
  const fallback = kind === 'limits' ? allocatable[resource] : undefined;
  const raw = declared ?? fallback ?? '0';
  const quantity = parseQuantity(String(raw));
  if (resource === 'cpu') {
    return String(Math.ceil(milliValue(quantity) / milliValue(divisor)));
  }
  if (resource === 'memory' || resource === 'ephemeral-storage' || resource.startsWith('hugepages-')) {
    return String(Math.ceil(quantityValue(quantity) / quantityValue(divisor)));
  }
  throw new Error(`unsupported container resource: ${selector.resource}`);
}
