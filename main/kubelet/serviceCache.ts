// The Services the kubelet makes environment variables from, kept as the
// real kubelet's service informer keeps them: one list and watch per
// kubelet, read from memory at each sync instead of listing the API for
// every sync of every pod.

import { SharedInformer } from '../kube/client/sharedInformer.ts';
import type { Clock } from '../kube/clock.ts';
import type { KubeClient } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { ServiceInfo } from './podObjects.ts';

export class ServiceCache {
  private readonly informer: SharedInformer<KubeObject>;
  private started: Promise<void> | undefined;

  constructor(client: KubeClient, clock: Clock, onError: (error: unknown, context: string) => void, nodeName: string) {
    this.informer = new SharedInformer(client.resource({ group: '', version: 'v1', plural: 'services' }), { clock, onError }, `services for node ${nodeName}`);
  }

  /** Resolves once the first list is in (or the cache was stopped). */
  start(): Promise<void> {
    return (this.started ??= this.informer.start());
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  /** Services with a cluster IP, in this namespace and the default one; waits for the first list. */
  async services(namespace: string): Promise<ServiceInfo[]> {
    await this.start();
    const namespaces = namespace === 'default' ? ['default'] : [namespace, 'default'];
    const found: ServiceInfo[] = [];
    for (const ns of namespaces) {
      for (const svc of this.informer.list(ns)) {
        const spec = (svc.spec ?? {}) as { clusterIP?: string; ports?: ServiceInfo['ports'] };
        if (!spec.clusterIP || spec.clusterIP === 'None' || !spec.ports?.length) continue;
        found.push({ name: svc.metadata.name ?? '', namespace: ns, clusterIP: spec.clusterIP, ports: spec.ports });
      }
    }
    return found;
  }
}
