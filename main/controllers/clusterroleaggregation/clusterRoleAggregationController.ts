// kube-controller-manager's clusterrole-aggregation controller: a ClusterRole
// with an aggregationRule gets as its rules the union of the rules of every
// other ClusterRole its selectors match, in name order, each rule once. Any
// ClusterRole change can change an aggregate, so every aggregated role is
// looked at again after each.

import type { KubeObject } from '../../kube/meta.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import type { LabelSelectorObject } from '../../apiserver/validation/labelSelectorObject.ts';
import type { ResourceClient } from '../../kube/client/types.ts';
import { QueueController, type ControllerContext } from '../shared/controller.ts';
import { clusterRolesResource } from '../shared/resources.ts';
import { workloadSelector } from '../shared/selectors.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';

function selectorsOf(role: KubeObject): LabelSelectorObject[] | undefined {
  const rule = role.aggregationRule as { clusterRoleSelectors?: LabelSelectorObject[] } | null | undefined;
  return rule ? (rule.clusterRoleSelectors ?? []) : undefined;
}

function rulesOf(role: KubeObject): unknown[] {
  return Array.isArray(role.rules) ? role.rules : [];
}

export class ClusterRoleAggregationController extends QueueController {
  private readonly clusterRoles: SharedInformer<KubeObject>;
  private readonly client: ResourceClient;

  constructor(ctx: ControllerContext, workers = 1) {
    super('clusterrole-aggregation-controller', ctx, workers);
    this.clusterRoles = ctx.informers.informer(clusterRolesResource);
    this.client = ctx.client.resource(clusterRolesResource);
    const enqueueAggregated = () => {
      for (const role of this.clusterRoles.list()) if (selectorsOf(role)) this.enqueue(role);
    };
    this.clusterRoles.addEventHandler({ onAdd: enqueueAggregated, onUpdate: enqueueAggregated, onDelete: enqueueAggregated });
  }

  /** syncClusterRole: the key is the aggregated ClusterRole's name. */
  protected async reconcile(name: string): Promise<void> {
    const role = this.clusterRoles.get(undefined, name);
    const selectors = role && selectorsOf(role);
    if (!role || !selectors) return;
    const rules: unknown[] = [];
    for (const selector of selectors) {
      const selected = workloadSelector(selector);
      const matching = this.clusterRoles
        .list()
        .filter((r) => r.metadata.name !== name && selected.matches(r.metadata.labels))
        .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
      for (const other of matching) for (const rule of rulesOf(other)) if (!rules.some((r) => deepEqual(r, rule))) rules.push(rule);
    }
    if (deepEqual(rules, rulesOf(role))) return;
    await this.client.update(undefined, { ...role, rules });
  }
}
