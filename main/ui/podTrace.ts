// A pod's journey for the UI: PodLab's own clusters keep one for each
// recent pod (the API server serves the same at /podlab/v1/.../trace); any
// other cluster has none, and the UI rebuilds one from the pod's
// timestamps, conditions and events instead (the export does the same).

import type { PodTrace } from '../../preload/api.ts';
import type { EventView, PodView } from '../insight/podView.ts';
import { rebuiltJourney } from '../insight/rebuiltJourney.ts';
import { isApiError } from '../kube/client/types.ts';
import { toOtlp } from '../kube/trace/otlp.ts';
import type { ClusterConnection } from './uiHost.ts';

export async function podTrace(connection: ClusterConnection, namespace: string, name: string): Promise<PodTrace | null> {
  if (!connection.journeys) return null;
  let uid: string | undefined;
  try {
    uid = (await connection.client.resource({ group: '', version: 'v1', plural: 'pods' }).get(namespace, name)).metadata.uid;
  } catch (error) {
    // A refused or deleted pod: its journey is kept under its name.
    if (!isApiError(error, 'NotFound')) throw error;
  }
  return connection.journeys.trace(namespace, name, uid) ?? null;
}

/** The journey as OpenTelemetry OTLP/JSON, for Jaeger, Tempo or any OTLP tool. */
export async function podTraceOtlp(connection: ClusterConnection, namespace: string, name: string): Promise<string> {
  const trace = (await podTrace(connection, namespace, name)) ?? (await rebuiltTrace(connection, namespace, name));
  return `${JSON.stringify(toOtlp(trace), null, 2)}\n`;
}

/** The journey rebuilt from the pod and its events, where no PodLab trace exists. */
async function rebuiltTrace(connection: ClusterConnection, namespace: string, name: string): Promise<PodTrace> {
  const pod = (await connection.client.resource({ group: '', version: 'v1', plural: 'pods' }).get(namespace, name)) as PodView;
  const events = await connection.client.resource({ group: '', version: 'v1', plural: 'events' }).list(namespace, { fieldSelector: `involvedObject.uid=${pod.metadata.uid}` });
  return rebuiltJourney(pod, events.items as EventView[]);
}
