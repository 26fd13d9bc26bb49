// Node registration and status posting, as kubelet_node_status.go:
// register the Node (or take over the existing one, refreshing its labels),
// then compute the status every nodeStatusUpdateFrequency and post it when
// something changed or nodeStatusReportFrequency has passed, recording the
// kubelet's node events (`Node node-1 status is now: NodeReady`). A Node
// deleted under a running kubelet is registered again.

import { isApiError, type ResourceClient } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';
import { deepEqual } from '../kube/deepEqual.ts';
import { kubeTimestamp } from '../kube/time.ts';
import type { Clock, Timer } from '../kube/clock.ts';
import type { KubeletEvents } from './events.ts';
import { nodeConditions, type ConditionInputs, type NodeCondition } from './nodeConditions.ts';
import { newNode, nodeRef, nodeStatus, type NodeDescription, type NodeStatusInputs } from './nodeObject.ts';

const UPDATE_RETRIES = 5;

export interface NodeStatusReporterOptions {
  nodes: ResourceClient;
  description: NodeDescription;
  /** Everything but the conditions, read when the status is computed. */
  facts: () => Promise<Omit<NodeStatusInputs, 'conditions'>>;
  conditionInputs: () => ConditionInputs;
  events: KubeletEvents;
  clock: Clock;
  updateMs: number;
  reportMs: number;
  onError: (error: unknown, context: string) => void;
}

function withoutHeartbeats(status: Record<string, unknown> | undefined): unknown {
  const conditions = (status?.conditions as NodeCondition[] | undefined)?.map(({ lastHeartbeatTime: _h, ...rest }) => rest);
  return { ...status, conditions };
}

export class NodeStatusReporter {
  private timer: Timer | undefined;
  private lastReport = 0;
  private stopped = false;
  private running: Promise<void> | undefined;
  private uid: string | undefined;

  constructor(private readonly options: NodeStatusReporterOptions) {}

  /** The registered Node's uid (for the Lease's owner reference). */
  get nodeUid(): string | undefined {
    return this.uid;
  }

  async start(): Promise<void> {
    await this.sync();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }

  /** Computes the status now and posts it if it changed (for prompt reaction to runtime health). */
  poke(): void {
    if (this.stopped || this.running) return;
    this.running = this.sync().finally(() => (this.running = undefined));
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.running ??= this.sync().finally(() => (this.running = undefined));
      void this.running.then(() => this.schedule());
    }, this.options.updateMs);
  }

  private async sync(): Promise<void> {
    try {
      await this.update();
    } catch (error) {
      this.options.onError(error, `node ${this.options.description.name}: status update`);
    }
  }

  private async update(): Promise<void> {
    const { nodes, description, clock, events } = this.options;
    const facts = await this.options.facts();
    for (let attempt = 0; attempt < UPDATE_RETRIES; attempt++) {
      let existing: KubeObject | undefined;
      try {
        existing = await nodes.get(undefined, description.name);
      } catch (error) {
        if (!isApiError(error, 'NotFound')) throw error;
      }
      const previous = ((existing?.status as Record<string, unknown> | undefined)?.conditions as NodeCondition[] | undefined) ?? [];
      const now = kubeTimestamp(new Date(clock.now()));
      const { conditions, events: changes } = nodeConditions(previous, this.options.conditionInputs(), now);
      const status = nodeStatus(description, { ...facts, conditions });
      try {
        if (!existing) {
          const created = await nodes.create(undefined, newNode(description, status));
          this.uid = created.metadata.uid;
        } else {
          this.uid = existing.metadata.uid;
          const labels = { ...existing.metadata.labels, ...description.labels };
          const relabel = !deepEqual(labels, existing.metadata.labels ?? {});
          if (relabel) existing = await nodes.update(undefined, { ...existing, metadata: { ...existing.metadata, labels } });
          const due = clock.now() - this.lastReport >= this.options.reportMs;
          if (!due && deepEqual(withoutHeartbeats(status), withoutHeartbeats(existing.status as Record<string, unknown>))) return;
          await nodes.updateStatus(undefined, { ...existing, status });
        }
      } catch (error) {
        if (isApiError(error, 'Conflict') || isApiError(error, 'AlreadyExists') || isApiError(error, 'NotFound')) continue;
        throw error;
      }
      this.lastReport = clock.now();
      for (const reason of changes) events.node(nodeRef(description.name), 'Normal', reason, `Node ${description.name} status is now: ${reason}`);
      return;
    }
  }
}
