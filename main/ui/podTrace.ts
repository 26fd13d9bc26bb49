// A pod's journey for the UI: PodLab's own clusters keep one for each
// recent pod (the API server serves the same at /podlab/v1/.../trace); any
// other cluster has none, and the UI shows the timeline it can rebuild from
// timestamps, conditions and events instead.

import type { PodTrace } from '../../preload/api.ts';
import { isApiError } from '../kube/client/types.ts';
import { toOtlp } from '../kube/trace/otlp.ts';
import { BridgeFailure } from './bridgeError.ts';
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
  const trace = await podTrace(connection, namespace, name);
  if (!trace) throw new BridgeFailure(`no journey recorded for pod ${namespace}/${name}: PodLab keeps the journeys of recent pods of its own clusters`);
  return `${JSON.stringify(toOtlp(trace), null, 2)}\n`;
}
