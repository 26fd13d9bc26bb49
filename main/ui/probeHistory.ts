// The probe history the Probes tab shows: every run (successes too), read
// from the memory of the kubelet that probes the pod and pushed as each run
// completes. Nothing here writes to the API: a store write per probe run
// would cost more than the probes themselves.

import { randomUUID } from 'node:crypto';
import type { BridgeEvents, ContainerProbeRuns, KubeObject, PodProbeHistory, ProbeKind, ProbeRun } from '../../preload/api.ts';
import type { KubeClient } from '../kube/client/types.ts';
import type { ProbeManager } from '../kubelet/probes/probeManager.ts';
import type { ProbeRecord } from '../kubelet/probes/probeHistory.ts';
import type { Pod } from '../kube/types/core-v1.ts';

export type ProbeHistoryReader = Pick<ProbeManager, 'history' | 'subscribe'>;

/** The probe history of a node's kubelet; undefined when no kubelet of this PodLab runs that node. */
export type ProbeHistorySource = (nodeName: string) => ProbeHistoryReader | undefined;

type Emit = (payload: BridgeEvents['probes']) => void;

type PodShape = Pick<Pod, 'spec'>;

const kinds: Array<[ProbeKind, 'startupProbe' | 'livenessProbe' | 'readinessProbe']> = [
  ['startup', 'startupProbe'],
  ['liveness', 'livenessProbe'],
  ['readiness', 'readinessProbe'],
];

/** The probes the kubelet runs for this pod: those of its containers and of its sidecars (init containers with restartPolicy Always). */
export function declaredProbes(pod: KubeObject): Array<{ container: string; kind: ProbeKind }> {
  const spec = (pod as PodShape).spec;
  const probed = [...(spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...(spec?.containers ?? [])];
  return probed.flatMap((c) => kinds.filter(([, field]) => c[field] !== undefined).map(([kind]) => ({ container: c.name, kind })));
}

function toRun(record: ProbeRecord): ProbeRun {
  return { time: record.time, containerId: record.containerId, outcome: record.outcome, latencyMs: record.latencyMs, message: record.message };
}

const fromEventsNote =
  "this cluster's kubelets are not PodLab's, so what follows is from their Unhealthy and Killing events: coarser than PodLab's own probe history, since events report failures only, fold repeats of one message into a count and keep whole seconds";

/** Where the pod's probe runs are kept, or why they cannot be read. */
function readerFor(pod: KubeObject, source: ProbeHistorySource | undefined): { reader: ProbeHistoryReader } | { message: string; fromEvents?: true } {
  const node = (pod as PodShape).spec?.nodeName;
  if (!source) return { message: fromEventsNote, fromEvents: true };
  if (!node) return { message: 'the pod is not on a node yet: its probes start once its containers run' };
  const reader = source(node);
  if (!reader) return { message: `the kubelet of node ${node} is not running (the node is stopped or gone), so nobody probes this pod now` };
  return { reader };
}

function historyOf(pod: KubeObject, found: ReturnType<typeof readerFor>): PodProbeHistory {
  const uid = pod.metadata.uid ?? '';
  const probes: ContainerProbeRuns[] = declaredProbes(pod).map(({ container, kind }) => ({
    container,
    kind,
    runs: 'reader' in found ? found.reader.history(uid, container, kind).map(toRun) : [],
  }));
  return 'reader' in found ? { available: true, probes } : { available: false, ...found, probes };
}

const pods = { group: '', version: 'v1', plural: 'pods' };

export async function podProbeHistory(client: KubeClient, source: ProbeHistorySource | undefined, namespace: string, name: string): Promise<PodProbeHistory> {
  const pod = await client.resource(pods).get(namespace, name);
  return historyOf(pod, readerFor(pod, source));
}

/** Renderers following pods' probes: the history once, then each run of that pod as it completes. */
export class ProbeFollows {
  private readonly follows = new Map<string, () => void>();

  constructor(private readonly emit: Emit) {}

  async start(client: KubeClient, source: ProbeHistorySource | undefined, namespace: string, name: string): Promise<{ followId: string; history: PodProbeHistory }> {
    const pod = await client.resource(pods).get(namespace, name);
    const found = readerFor(pod, source);
    const followId = randomUUID();
    const uid = pod.metadata.uid ?? '';
    // Subscribed in the same turn as the history is read, so no run falls between the two.
    const unsubscribe =
      'reader' in found
        ? found.reader.subscribe((event) => {
            if (event.podUid === uid) this.emit({ followId, container: event.containerName, kind: event.kind, run: toRun(event.record) });
          })
        : () => undefined;
    this.follows.set(followId, unsubscribe);
    return { followId, history: historyOf(pod, found) };
  }

  stop(followId: string): void {
    this.follows.get(followId)?.();
    this.follows.delete(followId);
  }

  stopAll(): void {
    for (const unsubscribe of this.follows.values()) unsubscribe();
    this.follows.clear();
  }
}
