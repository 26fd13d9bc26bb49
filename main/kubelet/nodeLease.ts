// The node's heartbeat, as nodelease's controller: a Lease named after the
// node in kube-node-lease, owned by the Node, renewed every quarter of its
// duration. The node lifecycle controller declares the node unreachable when
// renewals stop.

import { isApiError, type ResourceClient } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';
import type { Clock, Timer } from '../kube/clock.ts';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export interface NodeLeaseOptions {
  leases: ResourceClient;
  nodeName: string;
  /** The Node's uid, once registered: the Lease is owned by it and goes with it. */
  nodeUid: () => string | undefined;
  clock: Clock;
  renewMs: number;
  durationSeconds: number;
  onError: (error: unknown, context: string) => void;
}

export class NodeLease {
  private timer: Timer | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(private readonly options: NodeLeaseOptions) {}

  start(): void {
    this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }

  private tick(): void {
    if (this.stopped) return;
    this.running = this.renew()
      .catch((error) => this.options.onError(error, `node ${this.options.nodeName}: lease renewal`))
      .finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = this.options.clock.setTimeout(() => this.tick(), this.options.renewMs);
      });
  }

  private desired(existing?: KubeObject): KubeObject {
    const { nodeName, clock, durationSeconds } = this.options;
    const uid = this.options.nodeUid();
    const lease: KubeObject = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      ...existing,
      metadata: { ...existing?.metadata, name: nodeName, namespace: NODE_LEASE_NAMESPACE },
      spec: { ...(existing?.spec as object | undefined), holderIdentity: nodeName, leaseDurationSeconds: durationSeconds, renewTime: microTime(clock.now()) },
    };
    if (uid) lease.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid }];
    return lease;
  }

  private async renew(): Promise<void> {
    const { leases, nodeName } = this.options;
    let existing: KubeObject | undefined;
    try {
      existing = await leases.get(NODE_LEASE_NAMESPACE, nodeName);
    } catch (error) {
      if (!isApiError(error, 'NotFound')) throw error;
    }
    try {
      if (existing) await leases.update(NODE_LEASE_NAMESPACE, this.desired(existing));
      else await leases.create(NODE_LEASE_NAMESPACE, this.desired());
    } catch (error) {
      // Someone else wrote it in between: the next tick renews it.
      if (!isApiError(error, 'Conflict') && !isApiError(error, 'AlreadyExists')) throw error;
    }
  }
}
