// The service account controller (kube-controller-manager's
// serviceaccount-controller): every active namespace has a ServiceAccount
// named `default`, made when the namespace appears and again whenever it is
// deleted. Pods name it by default (spec.serviceAccountName).

import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { QueueController, type ControllerContext } from '../shared/controller.ts';
import { isNamespaceTerminating } from '../shared/apiErrors.ts';
import { namespacesResource, serviceAccountsResource } from '../shared/resources.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';

const serviceAccountName = 'default';

export class ServiceAccountsController extends QueueController {
  private readonly namespaces: SharedInformer<KubeObject>;
  private readonly serviceAccounts: SharedInformer<KubeObject>;
  private readonly saClient: ResourceClient;

  constructor(ctx: ControllerContext, workers = 1) {
    super('serviceaccount-controller', ctx, workers);
    this.namespaces = ctx.informers.informer(namespacesResource);
    this.serviceAccounts = ctx.informers.informer(serviceAccountsResource);
    this.saClient = ctx.client.resource(serviceAccountsResource);
    this.namespaces.addEventHandler({ onAdd: (ns) => this.enqueue(ns), onUpdate: (_old, ns) => this.enqueue(ns) });
    this.serviceAccounts.addEventHandler({
      onDelete: (sa) => {
        if (sa.metadata.name === serviceAccountName) this.queue.add(sa.metadata.namespace ?? '');
      },
    });
  }

  /** syncNamespace: the key is a namespace name. */
  protected async reconcile(namespace: string): Promise<void> {
    const ns = this.namespaces.get(undefined, namespace);
    if (!ns || (ns.status as { phase?: string } | undefined)?.phase !== 'Active' || ns.metadata.deletionTimestamp) return;
    if (this.serviceAccounts.get(namespace, serviceAccountName)) return;
    try {
      await this.saClient.create(namespace, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: serviceAccountName, namespace } });
    } catch (err) {
      if (isApiError(err, 'AlreadyExists') || isNamespaceTerminating(err)) return;
      throw err;
    }
  }
}
