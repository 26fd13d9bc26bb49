// The last probe runs of each (pod, container, probe type), for the UI's
// probe view: kept in memory and capped, and pushed to subscribers as they
// happen, so showing them never costs a store write per probe. Runs survive
// container restarts (each names its container instance), which is how the
// UI shows the failures that led to a restart; they go with the pod.

import type { ProbeKind } from '../probeResults.ts';

export type ProbeOutcome = 'success' | 'failure' | 'error';

export interface ProbeRecord {
  /** When the probe started, in ms since the epoch (the manager's clock). */
  time: number;
  containerId: string;
  outcome: ProbeOutcome;
  latencyMs: number;
  /** The failure, the error, or what a successful probe returned (cut to MESSAGE_LIMIT characters). */
  message: string;
}

export interface ProbeHistoryEvent {
  podUid: string;
  containerName: string;
  kind: ProbeKind;
  record: ProbeRecord;
}

export type ProbeHistoryListener = (event: ProbeHistoryEvent) => void;

/** How many runs of one probe ended one way, since its pod came to the node (the kubelet's prober_probe_total). */
export interface ProbeTotal {
  podUid: string;
  containerName: string;
  kind: ProbeKind;
  outcome: ProbeOutcome;
  count: number;
}

export const DEFAULT_HISTORY_LIMIT = 50;
export const MESSAGE_LIMIT = 1024;

export class ProbeHistory {
  private readonly byPod = new Map<string, Map<string, ProbeRecord[]>>();
  /** Every run counted, not only the last `limit`: by pod, then container, kind and outcome. */
  private readonly counts = new Map<string, Map<string, ProbeTotal>>();
  private readonly listeners = new Set<ProbeHistoryListener>();

  constructor(private readonly limit = DEFAULT_HISTORY_LIMIT) {}

  add(podUid: string, containerName: string, kind: ProbeKind, record: ProbeRecord): void {
    const stored = { ...record, message: record.message.length > MESSAGE_LIMIT ? `${record.message.slice(0, MESSAGE_LIMIT)}…` : record.message };
    let pod = this.byPod.get(podUid);
    if (!pod) this.byPod.set(podUid, (pod = new Map()));
    const key = `${containerName}/${kind}`;
    const records = pod.get(key) ?? [];
    records.push(stored);
    if (records.length > this.limit) records.splice(0, records.length - this.limit);
    pod.set(key, records);
    let counts = this.counts.get(podUid);
    if (!counts) this.counts.set(podUid, (counts = new Map()));
    const countKey = `${key}/${record.outcome}`;
    const total = counts.get(countKey);
    if (total) total.count++;
    else counts.set(countKey, { podUid, containerName, kind, outcome: record.outcome, count: 1 });
    for (const listener of this.listeners) {
      try {
        listener({ podUid, containerName, kind, record: stored });
      } catch {
        // A broken subscriber must not stop probing.
      }
    }
  }

  /** Oldest first. */
  list(podUid: string, containerName: string, kind: ProbeKind): ProbeRecord[] {
    return [...(this.byPod.get(podUid)?.get(`${containerName}/${kind}`) ?? [])];
  }

  /** Every probe's runs counted by outcome, for the pods still on the node. */
  totals(): ProbeTotal[] {
    return [...this.counts.values()].flatMap((counts) => [...counts.values()].map((total) => ({ ...total })));
  }

  forgetPod(podUid: string): void {
    this.byPod.delete(podUid);
    this.counts.delete(podUid);
  }

  /** Returns the unsubscribe function. */
  subscribe(listener: ProbeHistoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
