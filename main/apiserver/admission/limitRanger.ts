// The LimitRanger admission plugin: a new pod's containers get the defaults
// of the namespace's LimitRanges (noted in the kubernetes.io/limit-ranger
// annotation), then every Container and Pod limit is checked: minimum,
// maximum, and the largest limit/request ratio, refused in Kubernetes' words.

import type { KubeObject } from '../../kube/meta.ts';
import { podResourceList } from '../../kube/podResources.ts';
import { compareQuantities, formatQuantity, parseQuantity, type Quantity } from '../../kube/quantity.ts';
import { errors } from '../errors.ts';
import { UNTOUCHED, type AdmissionAttributes, type AdmissionPlugin, type MutationOutcome } from './admission.ts';

interface LimitItem {
  type?: string;
  max?: Record<string, string>;
  min?: Record<string, string>;
  default?: Record<string, string>;
  defaultRequest?: Record<string, string>;
  maxLimitRequestRatio?: Record<string, string>;
}

interface ContainerShape {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

interface PodShape {
  spec?: { containers?: ContainerShape[]; initContainers?: ContainerShape[] };
}

export const limitRangerAnnotation = 'kubernetes.io/limit-ranger';

function isPodCreate(attrs: AdmissionAttributes): boolean {
  return attrs.operation === 'CREATE' && !attrs.subresource && attrs.resource.group === '' && attrs.resource.plural === 'pods' && !!attrs.object;
}

/** LimitRange item defaults (SetDefaults_LimitRangeItem): default from max, defaultRequest from default, then from min. */
function withItemDefaults(item: LimitItem): LimitItem {
  if (item.type !== 'Container') return item;
  const def = { ...item.max, ...item.default };
  const defaultRequest = { ...item.min, ...def, ...item.defaultRequest };
  return { ...item, default: def, defaultRequest };
}

function setDefaults(container: ContainerShape, item: LimitItem, prefix: string, notes: string[]): void {
  const resources = (container.resources ??= {});
  const setLimits: string[] = [];
  const setRequests: string[] = [];
  for (const [name, value] of Object.entries(item.default ?? {})) {
    if (resources.limits?.[name] !== undefined) continue;
    (resources.limits ??= {})[name] = value;
    setLimits.push(name);
  }
  for (const [name, value] of Object.entries(item.defaultRequest ?? {})) {
    if (resources.requests?.[name] !== undefined) continue;
    (resources.requests ??= {})[name] = value;
    setRequests.push(name);
  }
  if (setRequests.length) notes.push(`${setRequests.sort().join(', ')} request for ${prefix} ${container.name}`);
  if (setLimits.length) notes.push(`${setLimits.sort().join(', ')} limit for ${prefix} ${container.name}`);
}

function ratioText(limit: Quantity, request: Quantity): string {
  return (Number(limit.nano) / Number(request.nano)).toFixed(6);
}

/** minConstraint, maxConstraint and limitRequestRatioConstraint for one Container or Pod. */
function check(item: LimitItem, kind: 'Container' | 'Pod', requests: Map<string, Quantity>, limits: Map<string, Quantity>, problems: string[]): void {
  for (const [name, text] of Object.entries(item.min ?? {})) {
    const min = parseQuantity(text);
    const request = requests.get(name);
    if (!request) problems.push(`minimum ${name} usage per ${kind} is ${formatQuantity(min)}.  No request is specified`);
    else if (compareQuantities(request, min) < 0) problems.push(`minimum ${name} usage per ${kind} is ${formatQuantity(min)}, but request is ${formatQuantity(request)}`);
  }
  for (const [name, text] of Object.entries(item.max ?? {})) {
    const max = parseQuantity(text);
    const limit = limits.get(name);
    if (!limit) problems.push(`maximum ${name} usage per ${kind} is ${formatQuantity(max)}.  No limit is specified`);
    else if (compareQuantities(limit, max) > 0) problems.push(`maximum ${name} usage per ${kind} is ${formatQuantity(max)}, but limit is ${formatQuantity(limit)}`);
  }
  for (const [name, text] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    const limit = limits.get(name);
    const request = requests.get(name);
    if (!limit || !request || request.nano === 0n) continue;
    if (Number(limit.nano) / Number(request.nano) > Number(parseQuantity(text).nano) / 1e9) {
      problems.push(`${name} max limit to request ratio per ${kind} is ${text}, but provided ratio is ${ratioText(limit, request)}`);
    }
  }
}

function containerList(container: ContainerShape, which: 'requests' | 'limits'): Map<string, Quantity> {
  return new Map(Object.entries(container.resources?.[which] ?? {}).map(([k, v]) => [k, parseQuantity(String(v))]));
}

export class LimitRangerPlugin implements AdmissionPlugin {
  readonly name = 'LimitRanger';

  /** `listLimitRanges` answers at once when the namespace's ranges are in memory (registry.peekListShared). */
  constructor(private readonly listLimitRanges: (namespace: string) => readonly KubeObject[] | Promise<readonly KubeObject[]>) {}

  /** The namespace's limit items, handed to `use` at once when the ranges are in memory. */
  private withItems<T>(namespace: string, use: (items: LimitItem[]) => T): T | Promise<T> {
    const itemsOf = (ranges: readonly KubeObject[]) => ranges.flatMap((r) => ((r as { spec?: { limits?: LimitItem[] } }).spec?.limits ?? []).map(withItemDefaults));
    const ranges = this.listLimitRanges(namespace);
    return ranges instanceof Promise ? ranges.then((listed) => use(itemsOf(listed))) : use(itemsOf(ranges));
  }

  // Only pod creates are its business: anything else is answered at once, without a promise.
  mutate(attrs: AdmissionAttributes): MutationOutcome | Promise<MutationOutcome> {
    return isPodCreate(attrs) ? this.withItems(attrs.namespace, (items) => this.mutatePod(attrs, items)) : UNTOUCHED;
  }

  private mutatePod(attrs: AdmissionAttributes, all: LimitItem[]): MutationOutcome {
    const items = all.filter((i) => i.type === 'Container');
    if (items.length === 0) return UNTOUCHED;
    const pod = attrs.object as KubeObject & PodShape;
    const notes: string[] = [];
    for (const item of items) {
      for (const container of pod.spec?.containers ?? []) setDefaults(container, item, 'container', notes);
      for (const container of pod.spec?.initContainers ?? []) setDefaults(container, item, 'init container', notes);
    }
    if (notes.length) pod.metadata.annotations = { ...pod.metadata.annotations, [limitRangerAnnotation]: `LimitRanger plugin set: ${notes.join('; ')}` };
  }

  validate(attrs: AdmissionAttributes): void | Promise<void> {
    if (isPodCreate(attrs)) return this.withItems(attrs.namespace, (items) => this.validatePod(attrs, items));
  }

  private validatePod(attrs: AdmissionAttributes, items: LimitItem[]): void {
    if (items.length === 0) return;
    const pod = attrs.object as KubeObject & PodShape;
    const problems: string[] = [];
    for (const item of items) {
      if (item.type === 'Container') {
        for (const container of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) check(item, 'Container', containerList(container, 'requests'), containerList(container, 'limits'), problems);
      } else if (item.type === 'Pod') {
        check(item, 'Pod', podResourceList(pod.spec ?? {}, 'requests'), podResourceList(pod.spec ?? {}, 'limits'), problems);
      }
    }
    if (problems.length) throw errors.forbidden({ group: '', resource: 'pods' }, attrs.name, problems.length === 1 ? problems[0]! : `[${problems.join(', ')}]`);
  }
}
