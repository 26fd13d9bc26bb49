// kube-controller-manager's root-ca-cert-publisher: every active namespace
// has the ConfigMap `kube-root-ca.crt` holding the cluster's CA, so pods can
// verify the API server (their kube-api-access volume projects it as
// ca.crt). It is made again when deleted and put back when edited.

import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import { rootCaConfigMapName } from '../../apiserver/admission/serviceAccount.ts';
import { isNamespaceTerminating } from '../shared/apiErrors.ts';
import { QueueController, type ControllerContext } from '../shared/controller.ts';
import { configMapsResource, namespacesResource } from '../shared/resources.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';

const descriptionAnnotation = 'kubernetes.io/description';
const description =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export class RootCaCertPublisher extends QueueController {
  private readonly namespaces: SharedInformer<KubeObject>;
  private readonly configMaps: SharedInformer<KubeObject>;
  private readonly client: ResourceClient;

  constructor(
    ctx: ControllerContext,
    private readonly rootCA: string,
    workers = 1,
  ) {
    super('root-ca-cert-publisher', ctx, workers);
    this.namespaces = ctx.informers.informer(namespacesResource);
    this.configMaps = ctx.informers.informer(configMapsResource);
    this.client = ctx.client.resource(configMapsResource);
    this.namespaces.addEventHandler({
      onAdd: (ns) => this.enqueue(ns),
      onUpdate: (_old, ns) => {
        if ((ns.status as { phase?: string } | undefined)?.phase === 'Active') this.enqueue(ns);
      },
    });
    const ours = (cm: KubeObject) => {
      if (cm.metadata.name === rootCaConfigMapName) this.queue.add(cm.metadata.namespace ?? '');
    };
    this.configMaps.addEventHandler({ onUpdate: (_old, cm) => ours(cm), onDelete: ours });
  }

  /** syncNamespace: the key is a namespace name. */
  protected async reconcile(namespace: string): Promise<void> {
    const data = { 'ca.crt': this.rootCA };
    const existing = this.configMaps.get(namespace, rootCaConfigMapName);
    if (!existing) {
      try {
        await this.client.create(namespace, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: rootCaConfigMapName, namespace, annotations: { [descriptionAnnotation]: description } }, data });
      } catch (err) {
        // A namespace gone or going away needs no CA; one made meanwhile is checked on its own event.
        if (isApiError(err, 'NotFound') || isApiError(err, 'AlreadyExists') || isNamespaceTerminating(err)) return;
        throw err;
      }
      return;
    }
    // The data and the one annotation describing its use must be as published; other annotations are left alone.
    if (deepEqual(existing.data ?? {}, data) && existing.metadata.annotations?.[descriptionAnnotation]) return;
    const annotations = { [descriptionAnnotation]: description, ...existing.metadata.annotations };
    await this.client.update(namespace, { ...existing, data, metadata: { ...existing.metadata, annotations } });
  }
}
