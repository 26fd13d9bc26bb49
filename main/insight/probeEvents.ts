// A probe's history as the kubelet reports it in events, which is all a
// cluster whose kubelets are not PodLab's keeps: an `Unhealthy` event per
// distinct failure (`Readiness probe failed: HTTP probe failed with
// statuscode: 404`, counted, with its first and last time) and a `Killing`
// event when a liveness or startup failure restarts the container (`Container
// app failed liveness probe, will be restarted`). Successes are never
// reported, and repeats of one message fold into one event: coarser than
// PodLab's own record of every run.

import type { ProbeKind } from '../../preload/api.ts';
import type { EventView } from './podView.ts';

export interface ProbeEventEntry {
  container: string;
  kind: ProbeKind;
  /** failed: the probe failed (or could not run); restarted: the kubelet killed the container for it. */
  outcome: 'failed' | 'restarted';
  count: number;
  /** RFC 3339, whole seconds as events keep them. */
  firstAt: string;
  lastAt: string;
  message: string;
}

const kindOf: Record<string, ProbeKind> = { Readiness: 'readiness', Liveness: 'liveness', Startup: 'startup' };
/** The kubelet's Unhealthy messages: `<Kind> probe failed: ...`, or `<Kind> probe errored...` when it could not run. */
const unhealthy = /^(Readiness|Liveness|Startup) probe (?:failed|errored)\b/;
const killing = /^Container (\S+) failed (liveness|startup) probe, will be restarted/;

/** The container an event is about, from its involvedObject.fieldPath (`spec.containers{app}`). */
function fieldPathContainer(event: EventView): string | undefined {
  return /\{([^}]+)\}/.exec(event.involvedObject?.fieldPath ?? '')?.[1];
}

function entryOf(event: EventView): ProbeEventEntry | undefined {
  const message = event.message ?? '';
  const lastAt = event.lastTimestamp || event.eventTime || event.firstTimestamp || event.metadata.creationTimestamp || '';
  const timing = { count: event.count ?? 1, firstAt: event.firstTimestamp || event.eventTime || lastAt, lastAt, message };
  if (event.reason === 'Unhealthy') {
    const match = unhealthy.exec(message);
    const container = fieldPathContainer(event);
    return match && container ? { container, kind: kindOf[match[1]!]!, outcome: 'failed', ...timing } : undefined;
  }
  if (event.reason === 'Killing') {
    const match = killing.exec(message);
    return match ? { container: match[1]!, kind: match[2] as ProbeKind, outcome: 'restarted', ...timing } : undefined;
  }
  return undefined;
}

/** The probe failures and probe restarts these events report, newest first (within one second a restart follows the failure that caused it). */
export function probeEventHistory(events: EventView[]): ProbeEventEntry[] {
  const entries = events.flatMap((event) => entryOf(event) ?? []);
  return entries.sort((a, b) => Date.parse(b.lastAt) - Date.parse(a.lastAt) || (a.outcome === b.outcome ? 0 : a.outcome === 'restarted' ? -1 : 1));
}

/** One probe's entries: a container's readiness, liveness or startup probe. */
export function probeEvents(entries: ProbeEventEntry[], container: string, kind: ProbeKind): ProbeEventEntry[] {
  return entries.filter((e) => e.container === container && e.kind === kind);
}
