// What `kubectl get componentstatuses` reports, from this process's own
// knowledge: the scheduler and the controller manager are healthy while they
// run here (kube-apiserver asks their /healthz), etcd-0 while the store
// answers a read (kube-apiserver asks etcd's /health, whose answer is the
// message).

import type { KubeObject } from '../kube/meta.ts';
import type { ReadOnlyResources } from './readOnly.ts';
import { componentstatuses } from './resources/componentstatuses.ts';

export interface ComponentHealth {
  /** Whether the component of that name (scheduler, controller-manager) runs. */
  running(component: 'scheduler' | 'controller-manager'): boolean;
  /** Resolves when the store answers; rejects with why not. */
  storeAnswers(): Promise<void>;
}

function status(name: string, healthy: boolean, message: string, error: string): KubeObject {
  return { metadata: { name }, conditions: [{ type: 'Healthy', status: healthy ? 'True' : 'False', ...(healthy ? { message } : { error }) }] } as KubeObject;
}

export function serveComponentStatuses(readOnly: ReadOnlyResources, health: ComponentHealth): void {
  readOnly.register(componentstatuses, {
    list: async () => {
      const etcd = await health.storeAnswers().then(
        () => status('etcd-0', true, '{"health":"true","reason":""}', ''),
        (err: unknown) => status('etcd-0', false, '', `the store did not answer: ${err instanceof Error ? err.message : String(err)}`),
      );
      const component = (name: 'scheduler' | 'controller-manager') => status(name, health.running(name), 'ok', `the ${name} is not running in PodLab`);
      return [component('controller-manager'), component('scheduler'), etcd];
    },
  });
}
