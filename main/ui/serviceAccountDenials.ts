// The 403s a pod's own program got, on any cluster: PodLab's API server
// remembers them; elsewhere the program's log (`... is forbidden: User
// "system:serviceaccount:NS:SA" cannot list resource "pods" ...`, as the
// rbac-denied sample prints) and the pod's events quote them. Each one read
// from text is checked with a SubjectAccessReview for the service account:
// allowed now means a binding granted it since (the finding goes away);
// still denied confirms it. Creating a SubjectAccessReview is itself a right
// the connecting user may lack: the 403 then stands as logged, saying so.

import type { KubeObject } from '../../preload/api.ts';
import { denialsInText, leadingTime, parseForbidden, type ForbiddenSighting } from '../insight/forbiddenText.ts';
import type { EventView, PodView } from '../insight/podView.ts';
import { podServiceAccount } from '../insight/rbacDenied.ts';
import type { SeenDenial } from '../insight/rule.ts';
import { forbiddenStatus, subjectAccessReview } from './accessReviews.ts';
import { logTail } from './logTail.ts';
import type { ClusterConnection } from './uiHost.ts';
import type { RefusedRead } from '../insight/accessLimited.ts';
import { podStreamsAvailable } from './podStreams.ts';

const currentLogLines = 50;

function eventSighting(event: EventView): ForbiddenSighting {
  const at = event.lastTimestamp || event.eventTime || event.firstTimestamp || undefined;
  return { text: event.message ?? '', ...(at && { at }), count: event.count ?? 1, ...(event.firstTimestamp && { firstAt: event.firstTimestamp }) };
}

function lineSightings(lines: string[]): ForbiddenSighting[] {
  return lines.map((line) => {
    // `--timestamps` puts the kubelet's time first; a program's own leading time is the next best.
    const { at, rest } = leadingTime(line);
    return { text: rest, ...(at && { at }) };
  });
}

/** The service account's groups, as its token authenticates with them. */
function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'];
}

/**
 * The pod's service account's recent denials: PodLab's memory where there is
 * one, else what its current log's last lines, its previous instances' last
 * lines and its events quote. Reads RBAC refused are reported to `refused`.
 */
export async function serviceAccountDenials(connection: ClusterConnection, pod: KubeObject, events: EventView[], previousLogs: Record<string, string[]>, refused: RefusedRead[], now: Date): Promise<SeenDenial[]> {
  const sa = podServiceAccount(pod as PodView);
  if (connection.denials) return connection.denials(sa.user);
  const logged: ForbiddenSighting[] = Object.values(previousLogs).flatMap(lineSightings);
  if (podStreamsAvailable(connection.streams)) {
    for (const container of ((pod as PodView).status?.containerStatuses ?? []).filter((c) => c.state?.running).map((c) => c.name)) {
      try {
        logged.push(...lineSightings(await logTail(connection.streams, pod, container, { previous: false, timestamps: true, lines: currentLogLines })));
      } catch (err) {
        const status = forbiddenStatus(err);
        const request = status && parseForbidden(status.message ?? '');
        if (request) refused.push({ purpose: `the log of container ${container}`, request });
        // Any other failure: the events may still tell.
      }
    }
  }
  const denials: SeenDenial[] = [
    ...denialsInText(logged, sa.user, now).map((d) => ({ ...d, seenIn: "the pod's log" })),
    ...denialsInText(events.map(eventSighting), sa.user, now).map((d) => ({ ...d, seenIn: 'its events' })),
  ];
  return Promise.all(denials.map((d) => reviewed(connection, d, sa.namespace, refused, now)));
}

async function reviewed(connection: ClusterConnection, denial: SeenDenial, namespace: string, refused: RefusedRead[], now: Date): Promise<SeenDenial> {
  try {
    const answer = await subjectAccessReview(connection.client, denial.user, serviceAccountGroups(namespace), denial);
    if (answer.allowed) return { ...denial, resolvedAt: now.toISOString() };
    return { ...denial, review: { allowed: false, ...(answer.reason && { reason: answer.reason }) } };
  } catch (err) {
    const status = forbiddenStatus(err);
    const request = status && parseForbidden(status.message ?? '');
    if (!request) return { ...denial, review: { unchecked: (err as Error).message } };
    if (!refused.some((r) => r.request.message === request.message)) refused.push({ purpose: 'a SubjectAccessReview (to confirm the service account\'s 403)', request });
    return { ...denial, review: { unchecked: 'your kubeconfig user may not create SubjectAccessReviews, so this is the log\'s word' } };
  }
}
