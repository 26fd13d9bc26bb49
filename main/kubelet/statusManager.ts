// The kubelet's status manager: keeps the last status generated for each
// pod, stamps it (a condition's lastTransitionTime moves only when its status
// changes; startTime is set once), and writes it to the API only when it
// differs from what the API is known to hold (as the kubelet last read or
// wrote it, or as watched since), reading the pod fresh so conditions owned
// by others (the scheduler's, readiness gates, DisruptionTarget) are kept.
// It also makes the final delete of a terminated pod (grace period 0, with
// the pod's uid as precondition), as canBeDeleted/deletePod do.

import { isApiError, type ResourceClient } from '../kube/client/types.ts';
import { deepEqual } from '../kube/deepEqual.ts';
import { kubeTimestamp } from '../kube/time.ts';
import { KUBELET_CONDITIONS } from './podConditions.ts';
import type { Pod, PodCondition, PodStatus } from './types.ts';
import type { JourneyRecorder } from '../kube/trace/journeyRecorder.ts';
import { kubeletSpans } from './journeySpans.ts';
import { deepCopy } from '../kube/deepCopy.ts';

const CONFLICT_RETRIES = 3;

export class StatusManager {
  private readonly statuses = new Map<string, PodStatus>();
  /** The API's status as the kubelet last read or wrote it, and the resourceVersion of the watched copy it had then. */
  private readonly confirmed = new Map<string, { watched: string | undefined; status: PodStatus }>();

  constructor(
    private readonly pods: ResourceClient<Pod>,
    private readonly now: () => number,
    private readonly onError: (error: unknown, context: string) => void,
    /** Where each status write goes in the pod's journey. */
    private readonly journeys?: JourneyRecorder,
  ) {}

  /** The last status set for the pod, if any (the base for the next one, as GetPodStatus). */
  get(uid: string): PodStatus | undefined {
    return this.statuses.get(uid);
  }

  forget(uid: string): void {
    this.statuses.delete(uid);
    this.confirmed.delete(uid);
  }

  /** Stamps and caches the status, then writes it if the API holds something else. Never throws. */
  async set(pod: Pod, generated: PodStatus): Promise<void> {
    const uid = pod.metadata.uid ?? '';
    const old = this.statuses.get(uid) ?? pod.status ?? {};
    const status = this.stamp(generated, old, pod.status ?? {});
    this.statuses.set(uid, status);
    const spans = kubeletSpans(this.journeys, pod);
    // Started before the write, recorded only if a write happened: most syncs change nothing.
    const writing = spans?.start('status', `status ${status.phase ?? 'Pending'}`);
    try {
      const written = await this.write(pod, status);
      if (written && writing) {
        const ready = written.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
        writing.end({ attributes: statusFacts(written) });
        if (ready) spans!.markReady();
      }
    } catch (error) {
      writing?.fail(error);
      this.onError(error, `pod ${pod.metadata.namespace}/${pod.metadata.name}: status update`);
    }
  }

  private stamp(status: PodStatus, old: PodStatus, api: PodStatus): PodStatus {
    const stamped: PodStatus = deepCopy(status);
    const now = kubeTimestamp(new Date(this.now()));
    stamped.conditions = (stamped.conditions ?? []).map((c) => {
      const previous = (old.conditions ?? []).find((o) => o.type === c.type) ?? (api.conditions ?? []).find((o) => o.type === c.type);
      if (!KUBELET_CONDITIONS.has(c.type)) return c;
      const transition = previous && previous.status === c.status ? previous.lastTransitionTime : now;
      return { ...c, lastProbeTime: null, lastTransitionTime: transition ?? now } satisfies PodCondition;
    });
    stamped.startTime = old.startTime ?? api.startTime ?? now;
    return stamped;
  }

  /** The pod as written, or undefined when the API already held this status (or the pod is gone). */
  private async write(pod: Pod, status: PodStatus): Promise<Pod | undefined> {
    const { namespace, name, uid, resourceVersion: watched } = pod.metadata;
    // Most syncs change nothing: no read when the API is known to hold this status already, as the
    // real status manager ignores a status equal to the last it set. Known: as last read or written,
    // while the watch has shown nothing newer of the pod (a sync right after a write); else as watched.
    const known = this.confirmed.get(uid ?? '');
    const base = known && known.watched === watched ? known.status : (pod.status ?? {});
    if (deepEqual(mergeStatus(base, status), base)) return undefined;
    for (let attempt = 0; ; attempt++) {
      let fresh: Pod;
      try {
        fresh = await this.pods.get(namespace, name ?? '');
      } catch (error) {
        if (isApiError(error, 'NotFound')) return undefined;
        throw error;
      }
      // Same name, another pod: this status is not its.
      if (fresh.metadata.uid !== uid) return undefined;
      const merged = mergeStatus(fresh.status ?? {}, status);
      if (deepEqual(merged, fresh.status ?? {})) {
        this.confirmed.set(uid ?? '', { watched, status: fresh.status ?? {} });
        return undefined;
      }
      try {
        const written = await this.pods.updateStatus(namespace, { ...fresh, status: merged });
        this.confirmed.set(uid ?? '', { watched, status: written.status ?? {} });
        return written;
      } catch (error) {
        if (isApiError(error, 'Conflict') && attempt < CONFLICT_RETRIES) continue;
        if (isApiError(error, 'NotFound')) return undefined;
        throw error;
      }
    }
  }

  /** The final delete once the pod's containers are gone. Never throws. */
  async deletePod(pod: Pod): Promise<void> {
    try {
      await this.pods.delete(pod.metadata.namespace, pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (error) {
      if (isApiError(error, 'NotFound') || isApiError(error, 'Conflict')) return;
      this.onError(error, `pod ${pod.metadata.namespace}/${pod.metadata.name}: final delete`);
    }
  }
}

/** What a status write said, as the journey shows it next to the bar. */
function statusFacts(pod: Pod): Record<string, string | number | undefined> {
  const status = pod.status ?? {};
  const condition = (type: string) => status.conditions?.find((c) => c.type === type)?.status;
  const containers = status.containerStatuses ?? [];
  return {
    phase: status.phase,
    podIP: status.podIP,
    ready: condition('Ready'),
    containersReady: `${containers.filter((c) => c.ready).length}/${containers.length}`,
    restarts: containers.reduce((sum, c) => sum + (c.restartCount ?? 0), 0) || undefined,
    reason: status.reason,
    resourceVersion: pod.metadata.resourceVersion,
  };
}

/** The kubelet's status over the API's: its own fields and conditions replace, others' conditions stay as the API has them. */
export function mergeStatus(api: PodStatus, kubelet: PodStatus): PodStatus {
  const others = (api.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type));
  // DisruptionTarget may be the kubelet's own (an eviction it made): it stays until the API has one.
  const ownedOrMissing = (kubelet.conditions ?? []).filter((c) => KUBELET_CONDITIONS.has(c.type) || (c.type === 'DisruptionTarget' && !others.some((o) => o.type === c.type)));
  const merged: PodStatus = { ...kubelet, conditions: [...others, ...ownedOrMissing] };
  if (api.nominatedNodeName) merged.nominatedNodeName = api.nominatedNodeName;
  // A phase the API already shows as terminal never changes.
  if (api.phase === 'Succeeded' || api.phase === 'Failed') merged.phase = api.phase;
  return merged;
}
