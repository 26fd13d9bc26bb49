// On a cluster PodLab does not run there is no memory of denials, so the
// Problems view finds a pod's RBAC denials as its Debug tab does: from the
// 403s its log and events quote, confirmed with a SubjectAccessReview. Logs
// are read only for pods that look in trouble (restarting, not Ready,
// failed), the most troubled first, at most `maxPods` of them and
// `concurrency` at a time: a cluster of thousands of healthy pods costs no
// log read at all, and a broken one a bounded burst.

import { mapLimited } from '../kube/mapLimited.ts';
import type { RefusedRead } from '../insight/accessLimited.ts';
import type { EventView, PodView } from '../insight/podView.ts';
import type { SeenDenial } from '../insight/rule.ts';
import { finishedLogs } from './finishedLogs.ts';
import { podStreamsAvailable } from './podStreams.ts';
import { serviceAccountDenials } from './serviceAccountDenials.ts';
import type { ClusterConnection } from './uiHost.ts';

export interface LogReadLimits {
  maxPods: number;
  concurrency: number;
}

export const defaultLogReadLimits: LogReadLimits = { maxPods: 20, concurrency: 4 };

/** What the logs of one pod told: its finished instances' last lines and its service account's denials. */
export interface LoggedEvidence {
  previousLogs: Record<string, string[]>;
  denials: SeenDenial[];
}

/** How troubled a pod looks (0: not at all); only a pod whose containers ran has a log to read. */
function trouble(pod: PodView): number {
  const statuses = pod.status?.containerStatuses ?? [];
  if (!statuses.some((c) => c.restartCount || c.state?.running || c.state?.terminated)) return 0;
  const restarts = statuses.reduce((sum, c) => sum + (c.restartCount ?? 0), 0);
  const failed = pod.status?.phase === 'Failed' || statuses.some((c) => (c.state?.terminated?.exitCode ?? 0) !== 0) ? 1 : 0;
  const notReady = pod.status?.phase === 'Running' && pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status !== 'True') ? 1 : 0;
  if (restarts === 0 && !failed && !notReady) return 0;
  return restarts * 4 + failed * 2 + notReady;
}

/** The pods whose logs are worth reading, most troubled first (newest first among equals), at most `max`. */
export function suspiciousPods(pods: PodView[], max: number): PodView[] {
  return pods
    .map((pod) => ({ pod, score: trouble(pod) }))
    .filter((p) => p.score > 0)
    .sort((a, b) => b.score - a.score || (b.pod.metadata.creationTimestamp ?? '').localeCompare(a.pod.metadata.creationTimestamp ?? ''))
    .slice(0, max)
    .map((p) => p.pod);
}

/** Evidence by pod uid, for the suspicious pods only; empty where PodLab's API server remembers denials itself or logs cannot be read. */
export async function loggedEvidence(connection: ClusterConnection, pods: PodView[], events: EventView[], now: Date, limits: LogReadLimits = defaultLogReadLimits): Promise<Map<string, LoggedEvidence>> {
  const evidence = new Map<string, LoggedEvidence>();
  if (connection.denials || !podStreamsAvailable(connection.streams)) return evidence;
  const chosen = suspiciousPods(pods, limits.maxPods);
  const uids = new Set(chosen.map((p) => p.metadata.uid));
  const eventsOf = new Map<string, EventView[]>();
  for (const event of events) {
    const uid = event.involvedObject?.uid;
    if (uid && uids.has(uid)) eventsOf.set(uid, [...(eventsOf.get(uid) ?? []), event]);
  }
  await mapLimited(chosen, limits.concurrency, async (pod) => {
    // The user's own refused reads belong to a pod's Debug tab, which says what to ask for; here a pod without them just has less evidence.
    const refused: RefusedRead[] = [];
    const uid = pod.metadata.uid ?? '';
    try {
      const previousLogs = await finishedLogs(connection, pod, refused);
      evidence.set(uid, { previousLogs, denials: await serviceAccountDenials(connection, pod, eventsOf.get(uid) ?? [], previousLogs, refused, now) });
    } catch {
      // One pod's unreadable evidence must not cost the view the others'.
    }
  });
  return evidence;
}
