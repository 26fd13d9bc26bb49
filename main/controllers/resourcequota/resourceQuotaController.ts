// The resource quota controller (kube-controller-manager's
// resourcequota-controller): each quota's status.hard follows spec.hard and
// status.used is recounted from what the namespace holds, whenever the quota
// or a pod in its namespace changes, and every five minutes for the rest
// (objects admission charged but that were never created, objects deleted).

import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { formatQuantity, type Quantity } from '../../kube/quantity.ts';
import { addUsage, isTerminalPod, objectUsage, podMatchesQuota, type ScopedQuotaSpec, type Usage } from '../../quota/usage.ts';
import { QueueController, keyOf, splitKey, type ControllerContext } from '../shared/controller.ts';
import { podsResource } from '../shared/resources.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';

const quotasResource = { group: '', version: 'v1', plural: 'resourcequotas' };
const resyncMs = 5 * 60_000;

interface Quota extends KubeObject {
  spec?: ScopedQuotaSpec & { hard?: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

/** The resource a quota name counts (`count/deployments.apps` → apps/deployments; `configmaps` → configmaps). */
function countedResource(name: string): { group: string; plural: string } | undefined {
  const legacy = ['configmaps', 'secrets', 'services', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas', 'services.nodeports', 'services.loadbalancers'];
  if (legacy.includes(name)) return { group: '', plural: name.split('.')[0]! };
  if (!name.startsWith('count/')) return undefined;
  const [plural, ...group] = name.slice('count/'.length).split('.');
  return { group: group.join('.'), plural: plural! };
}

export class ResourceQuotaController extends QueueController {
  private readonly quotas: SharedInformer<Quota>;
  private readonly pods: SharedInformer<KubeObject>;
  private readonly quotaClient: ResourceClient<Quota>;

  constructor(ctx: ControllerContext, workers = 2) {
    super('resourcequota-controller', ctx, workers);
    this.quotas = ctx.informers.informer<Quota>(quotasResource);
    this.pods = ctx.informers.informer<KubeObject>(podsResource);
    this.quotaClient = ctx.client.resource<Quota>(quotasResource);
    this.quotas.addEventHandler({ onAdd: (q) => this.enqueue(q), onUpdate: (old, q) => (deepEqual(old.spec, q.spec) ? undefined : this.enqueue(q)), onDelete: () => undefined });
    const podChanged = (pod: KubeObject) => {
      for (const quota of this.quotas.list(pod.metadata.namespace ?? '')) this.enqueue(quota);
    };
    // Replenishment only, as kube-controller-manager: a pod that goes or finishes frees its share. A new
    // pod was charged at admission already; recounting on its arrival from a cache that has not seen
    // the pods admitted meanwhile would lower status.used and let the next create past the quota.
    const terminal = (pod: KubeObject) => ['Succeeded', 'Failed'].includes((pod as { status?: { phase?: string } }).status?.phase ?? '');
    this.pods.addEventHandler({ onAdd: () => undefined, onUpdate: (old, pod) => (!terminal(old) && terminal(pod) ? podChanged(pod) : undefined), onDelete: podChanged });
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const quota = this.quotas.get(namespace, name);
    if (!quota) return;
    const hard = quota.spec?.hard ?? {};
    const used: Usage = new Map();
    const wanted = Object.keys(hard);
    if (wanted.some((n) => n === 'pods' || n === 'count/pods' || n.startsWith('requests.') || n.startsWith('limits.') || n === 'cpu' || n === 'memory' || n === 'ephemeral-storage')) {
      for (const pod of this.pods.list(namespace)) {
        if (isTerminalPod(pod) || pod.metadata.deletionTimestamp || !podMatchesQuota(pod, quota.spec)) continue;
        addUsage(used, objectUsage('', 'pods', pod));
      }
    }
    const listed = new Set<string>();
    for (const quotaName of wanted) {
      const resource = countedResource(quotaName);
      if (!resource || (resource.group === '' && resource.plural === 'pods')) continue;
      const ref = this.ctx.resources.deletable().find((k) => k.ref.group === resource.group && k.ref.plural === resource.plural)?.ref;
      const id = `${resource.group}/${resource.plural}`;
      if (listed.has(id) || !ref) continue;
      listed.add(id);
      try {
        for (const obj of (await this.ctx.client.resource(ref).list(namespace)).items) addUsage(used, objectUsage(resource.group, resource.plural, obj));
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
      }
    }
    const zero = { nano: 0n, format: 'DecimalSI' } as Quantity;
    const status = { hard: { ...hard }, used: Object.fromEntries(wanted.sort().map((n) => [n, formatQuantity(used.get(n) ?? zero)])) };
    if (!deepEqual(quota.status ?? {}, status)) {
      try {
        await this.quotaClient.updateStatus(namespace, { ...quota, status });
      } catch (err) {
        if (!isApiError(err, 'NotFound')) throw err;
      }
    }
    this.queue.addAfter(keyOf(quota), resyncMs);
  }
}
