// The kube-root-ca.crt ConfigMap of every namespace, watched: each pod's
// kube-api-access volume projects it, and the real kubelet's ConfigMap
// manager (Watch strategy) watches the objects pods refer to rather than
// reading them at every sync. One list and watch per kubelet, narrowed to
// that name; a namespace whose copy has not arrived is read from the API.

import { withFieldSelector } from '../kube/client/fieldSelected.ts';
import { Informer } from '../kube/client/informer.ts';
import type { Clock } from '../kube/clock.ts';
import type { KubeClient } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';

export class RootCaCache {
  private readonly informer: Informer<KubeObject>;
  private synced = false;

  constructor(client: KubeClient, clock: Clock, onError: (error: unknown, context: string) => void, nodeName: string) {
    const configMaps = withFieldSelector(client.resource({ group: '', version: 'v1', plural: 'configmaps' }), `metadata.name=${ROOT_CA_CONFIGMAP}`);
    const ignore = () => undefined;
    this.informer = new Informer(configMaps, { onAdd: ignore, onUpdate: ignore, onDelete: ignore }, { clock, onError }, `${ROOT_CA_CONFIGMAP} for node ${nodeName}`);
  }

  async start(): Promise<void> {
    await this.informer.start();
    this.synced = true;
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  /** The namespace's copy as last watched; undefined when there is none yet (read it from the API). */
  get(namespace: string): KubeObject | undefined {
    return this.synced ? this.informer.get(`${namespace}/${ROOT_CA_CONFIGMAP}`) : undefined;
  }
}
