// The last lines each container's finished instance wrote: the previous
// instance after a restart, the current one when it ended without one. Why a
// container stopped is usually there (a missing file, a 403). A read RBAC
// refuses is reported; any other failed read leaves that container out, since
// the rest of the evidence still stands.

import type { KubeObject } from '../../preload/api.ts';
import { parseForbidden } from '../insight/forbiddenText.ts';
import type { RefusedRead } from '../insight/accessLimited.ts';
import type { PodView } from '../insight/podView.ts';
import { forbiddenStatus } from './accessReviews.ts';
import { logTail } from './logTail.ts';
import { containerStatus } from './podContainers.ts';
import { podStreamsAvailable } from './podStreams.ts';
import type { ClusterConnection } from './uiHost.ts';

export const finishedLogLines = 20;

function finishedInstance(pod: KubeObject, container: string): { previous: boolean } | undefined {
  const status = containerStatus(pod, container);
  if (status?.restartCount) return { previous: true };
  return status?.state?.terminated ? { previous: false } : undefined;
}

export async function finishedLogs(connection: ClusterConnection, pod: KubeObject, refused: RefusedRead[]): Promise<Record<string, string[]>> {
  const logs: Record<string, string[]> = {};
  if (!podStreamsAvailable(connection.streams)) return logs;
  for (const container of ((pod as PodView).spec?.containers ?? []).map((c) => c.name)) {
    const instance = finishedInstance(pod, container);
    if (!instance) continue;
    try {
      logs[container] = await logTail(connection.streams, pod, container, { previous: instance.previous, timestamps: false, lines: finishedLogLines });
    } catch (err) {
      const request = parseForbidden(forbiddenStatus(err)?.message ?? '');
      if (request) refused.push({ purpose: `the last log of container ${container}`, request });
    }
  }
  return logs;
}
