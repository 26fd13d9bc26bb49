// The ResourceQuota admission plugin: a new object in a namespace with
// quotas is charged against each quota that counts it. A pod must name every
// compute resource a quota limits (`failed quota: NAME: must specify
// limits.cpu for: main`), and nothing may take a quota past its hard limit
// (`exceeded quota: NAME, requested: pods=1, used: pods=2, limited: pods=2`),
// both 403 Forbidden in Kubernetes' words. An admitted object's usage is
// added to the quota's status.used at once (so two creates cannot both take
// the last unit); the quota controller recounts it later.

import type { KubeObject } from '../../kube/meta.ts';
import { addQuantities, compareQuantities, formatQuantity, parseQuantity, type Quantity } from '../../kube/quantity.ts';
import { objectUsage, podMatchesQuota, type ScopedQuotaSpec, type Usage } from '../../quota/usage.ts';
import { errors } from '../errors.ts';
import type { AdmissionAttributes, AdmissionPlugin } from './admission.ts';

interface Quota extends KubeObject {
  spec?: ScopedQuotaSpec & { hard?: Record<string, string> };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

export interface QuotaAccess {
  /** At once when they are in memory (registry.peekListShared). */
  list(namespace: string): readonly KubeObject[] | Promise<readonly KubeObject[]>;
  /** Writes status.used; throws a Conflict when the quota changed meanwhile. */
  updateStatus(quota: KubeObject): Promise<void>;
}

const computeResources = ['cpu', 'memory', 'ephemeral-storage'];

/** Per container, each compute resource a quota limits that the container does not name. */
function missingResources(pod: KubeObject, hard: Record<string, string>): string[] {
  const containers = (pod as { spec?: { containers?: Array<{ name: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }> } }).spec?.containers ?? [];
  const missing: string[] = [];
  for (const which of ['limits', 'requests'] as const) {
    for (const resource of computeResources) {
      const key = `${which}.${resource}`;
      const constrained = hard[key] !== undefined || (which === 'requests' && hard[resource] !== undefined);
      if (!constrained) continue;
      const lacking = containers.filter((c) => c.resources?.[which]?.[resource] === undefined).map((c) => c.name);
      if (lacking.length) missing.push(`${key} for: ${lacking.join(',')}`);
    }
  }
  return missing;
}

const printList = (list: Array<[string, Quantity]>) => list.map(([name, q]) => `${name}=${formatQuantity(q)}`).join(',');

export class ResourceQuotaPlugin implements AdmissionPlugin {
  readonly name = 'ResourceQuota';

  constructor(private readonly quotas: QuotaAccess) {}

  validate(attrs: AdmissionAttributes): void | Promise<void> {
    if (attrs.operation !== 'CREATE' || attrs.subresource || !attrs.object || !attrs.namespace || attrs.dryRun) return;
    // A namespace without quotas (most creates) is answered at once, without a promise, when the store has them in memory.
    const quotas = this.quotas.list(attrs.namespace);
    if (!(quotas instanceof Promise) && quotas.length === 0) return;
    return this.chargeRetrying(attrs);
  }

  private async chargeRetrying(attrs: AdmissionAttributes): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.charge(attrs);
      } catch (err) {
        // Another create charged the same quota first: look again at the quota it wrote.
        if ((err as { status?: { reason?: string } }).status?.reason !== 'Conflict' || attempt >= 5) throw err;
      }
    }
  }

  private async charge(attrs: AdmissionAttributes): Promise<void> {
    const quotas = (await this.quotas.list(attrs.namespace)) as Quota[];
    if (quotas.length === 0) return;
    const isPod = attrs.resource.group === '' && attrs.resource.plural === 'pods';
    const usage: Usage = objectUsage(attrs.resource.group, attrs.resource.plural, attrs.object!);
    const charged: Quota[] = [];
    for (const quota of [...quotas].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
      const hard = quota.spec?.hard ?? {};
      if (isPod && !podMatchesQuota(attrs.object!, quota.spec)) continue;
      const constrained = Object.keys(hard).filter((name) => usage.has(name));
      if (isPod) {
        const missing = missingResources(attrs.object!, hard);
        if (missing.length) throw errors.forbidden({ group: attrs.resource.group, resource: attrs.resource.plural }, attrs.name, `failed quota: ${quota.metadata.name}: must specify ${missing.join('; ')}`);
      }
      if (constrained.length === 0) continue;
      const used = quota.status?.used ?? {};
      const exceeded = constrained.filter((name) => compareQuantities(addQuantities(parseQuantity(used[name] ?? '0'), usage.get(name)!), parseQuantity(hard[name]!)) > 0).sort();
      if (exceeded.length) {
        const requested = printList(exceeded.map((n) => [n, usage.get(n)!]));
        const nowUsed = printList(exceeded.map((n) => [n, parseQuantity(used[n] ?? '0')]));
        const limited = printList(exceeded.map((n) => [n, parseQuantity(hard[n]!)]));
        throw errors.forbidden({ group: attrs.resource.group, resource: attrs.resource.plural }, attrs.name, `exceeded quota: ${quota.metadata.name}, requested: ${requested}, used: ${nowUsed}, limited: ${limited}`);
      }
      const nextUsed = { ...used };
      for (const name of constrained) nextUsed[name] = formatQuantity(addQuantities(parseQuantity(used[name] ?? '0'), usage.get(name)!));
      charged.push({ ...quota, status: { hard: { ...hard }, ...quota.status, used: nextUsed } });
    }
    for (const quota of charged) await this.quotas.updateStatus(quota);
  }
}
