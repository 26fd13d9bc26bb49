// What every controller gets from the controller manager, and the shape they
// share: a work queue of object keys drained by a level-based reconcile(key)
// that reads the current state from the informers' caches and acts on it.

import type { KubeClient } from '../../kube/client/types.ts';
import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import type { KubeObject } from '../../kube/meta.ts';
import type { Clock } from '../../kube/clock.ts';
import type { InformerFactory } from './informerFactory.ts';
import type { ServedResources } from './resources.ts';
import { WorkQueue } from './workQueue.ts';
import type { LocalPathStorage } from '../volume/localPath.ts';
import type { JourneyRecorder } from '../../kube/trace/journeyRecorder.ts';
import type { CertificateAuthority } from '../../cluster/pki.ts';

export interface ControllerContext {
  client: KubeClient;
  informers: InformerFactory;
  /** The kinds the API server serves now (discovery), custom resources included. */
  resources: ServedResources;
  clock: Clock;
  /** A recorder reporting as `component` (replicaset-controller, deployment-controller, ...). */
  recorder(component: string): EventRecorder;
  /** Failures that are retried (a reconcile that threw, a handler that failed). */
  onError(err: unknown, context: string): void;
  /** The cluster's CA certificate (PEM), which root-ca-cert-publisher publishes. */
  rootCA?: string;
  /** The CA and key csrsigning signs with. */
  signingCA?: CertificateAuthority;
  /** Where local-path volumes keep their data (the node runtimes'); absent, the local-path provisioner does not run. */
  localPathStorage?: LocalPathStorage;
  /** The cluster's pod journeys: the endpoint controllers record a pod's address becoming ready for its Services. */
  journeys?: JourneyRecorder;
}

export interface Controller {
  readonly name: string;
  /** Called once the informers have synced. */
  start(): void;
  stop(): Promise<void>;
}

/** `namespace/name`, or `name` for cluster-scoped objects: cache.MetaNamespaceKeyFunc. */
export function keyOf(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : (obj.metadata.name ?? '');
}

export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export abstract class QueueController implements Controller {
  protected readonly queue: WorkQueue;

  constructor(
    readonly name: string,
    protected readonly ctx: ControllerContext,
    workers: number,
  ) {
    this.queue = new WorkQueue((key) => this.reconcile(key), { clock: ctx.clock, workers, onError: (err, key) => ctx.onError(err, `${name}: syncing ${key}`) });
  }

  protected abstract reconcile(key: string): Promise<void>;

  protected enqueue(obj: KubeObject): void {
    this.queue.add(keyOf(obj));
  }

  start(): void {
    this.queue.start();
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }
}
