// A pod's journey where no PodLab trace exists (a cluster PodLab does not
// run, or a pod older than PodLab's memory), rebuilt from what the API keeps:
// metadata.creationTimestamp, the conditions' lastTransitionTime
// (PodScheduled, Initialized, ContainersReady, Ready), the containers'
// startedAt and finishedAt, and the scheduler's and kubelet's events
// (Scheduled, Pulling, Pulled with the duration it names, Created, Started),
// grouped by the seed's steps as PodLab's own journey is. All of these carry
// whole seconds; the request and its admission leave nothing in the API, and
// Service membership is not the pod's to say.

import type { JourneyStep, PodTrace, TraceSpan } from '../../preload/api.ts';
import { allContainerStatuses, type EventView, type PodView } from './podView.ts';

export const rebuiltJourneyNote =
  "Rebuilt from the pod's timestamps, conditions and events (no PodLab trace of this pod exists): they keep whole seconds, so steps within one second show no duration, and the request and its admission leave no trace in the API.";

interface Draft {
  step: JourneyStep;
  component: string;
  name: string;
  start: string;
  end?: string;
  error?: boolean;
  message?: string;
  attributes?: Record<string, string | number | boolean>;
}

const ms = (time: string) => Date.parse(time);

function eventTimes(event: EventView): { first: string; last: string } {
  const last = event.lastTimestamp || event.eventTime || event.firstTimestamp || event.metadata.creationTimestamp || '';
  return { first: event.firstTimestamp || event.eventTime || last, last };
}

function containerOf(event: EventView): string {
  return /\{([^}]+)\}/.exec(event.involvedObject?.fieldPath ?? '')?.[1] ?? '';
}

/** `Successfully pulled image "busybox:1.36" in 1.234s (1.234s including waiting). Image size: ...`: the image and the pull's own duration. */
function pulled(message: string): { image?: string; took?: string } {
  return { image: /image "([^"]+)"/.exec(message)?.[1], took: /\bin (\d+(?:\.\d+)?(?:ms|s|m\d+(?:\.\d+)?s|m))/.exec(message)?.[1] };
}

function imageDrafts(events: EventView[]): Draft[] {
  const pulling = events.filter((e) => e.reason === 'Pulling');
  return events
    .filter((e) => e.reason === 'Pulled')
    .map((e) => {
      const done = eventTimes(e).first;
      const { image, took } = pulled(e.message ?? '');
      // The pull of this image that began last before it was done.
      const began = pulling
        .filter((p) => (p.message ?? '').includes(`"${image}"`) && ms(eventTimes(p).first) <= ms(done))
        .map((p) => eventTimes(p).first)
        .sort((a, b) => ms(b) - ms(a))[0];
      return { step: 'node', component: 'kubelet', name: `pull ${image ?? 'image'}`, start: began ?? done, end: done, message: e.message, attributes: { container: containerOf(e), ...(took && { 'duration (kubelet)': took }) } } satisfies Draft;
    });
}

function containerDrafts(pod: PodView, events: EventView[]): Draft[] {
  const drafts: Draft[] = [];
  for (const status of allContainerStatuses(pod)) {
    const running = status.state?.running?.startedAt;
    const started = running ?? events.find((e) => e.reason === 'Started' && containerOf(e) === status.name)?.firstTimestamp ?? undefined;
    if (started) {
      // Created is aggregated over restarts: its first or last time counts only if it falls within this instance (after the previous one ended).
      const created = events.find((e) => e.reason === 'Created' && containerOf(e) === status.name);
      const previousEnd = ms(status.lastState?.terminated?.finishedAt ?? '') || -Infinity;
      const createdAt = created && [eventTimes(created).last, eventTimes(created).first].find((t) => ms(t) <= ms(started) && ms(t) >= previousEnd);
      drafts.push({ step: 'node', component: 'kubelet', name: `start container ${status.name}`, start: createdAt ?? started, end: started, attributes: { container: status.name, restarts: status.restartCount ?? 0 } });
    }
    for (const state of [status.lastState, status.state]) {
      const t = state?.terminated;
      if (!t?.finishedAt) continue;
      drafts.push({
        step: 'node',
        component: 'kubelet',
        name: `container ${status.name} ran`,
        start: t.startedAt ?? t.finishedAt,
        end: t.finishedAt,
        error: t.exitCode !== 0,
        message: `exited with code ${t.exitCode ?? '?'}${t.reason ? ` (${t.reason})` : ''}${t.message ? `: ${t.message}` : ''}`,
        attributes: { container: status.name, exitCode: t.exitCode ?? -1 },
      });
    }
  }
  return drafts;
}

const failures: Record<string, JourneyStep> = { FailedScheduling: 'schedule', FailedCreatePodSandBox: 'node', FailedMount: 'node', Failed: 'node', BackOff: 'node' };

function failureDrafts(events: EventView[]): Draft[] {
  return events
    .filter((e) => failures[e.reason ?? ''])
    .map((e) => {
      const { first, last } = eventTimes(e);
      return { step: failures[e.reason!]!, component: e.source?.component ?? (e.reason === 'FailedScheduling' ? 'default-scheduler' : 'kubelet'), name: e.reason!, start: first, end: last, error: true, message: e.message, attributes: { count: e.count ?? 1 } };
    });
}

function conditionDrafts(pod: PodView, events: EventView[]): Draft[] {
  const drafts: Draft[] = [];
  const created = pod.metadata.creationTimestamp ?? '';
  for (const c of pod.status?.conditions ?? []) {
    if (!c.lastTransitionTime || c.status !== 'True') continue;
    if (c.type === 'PodScheduled') {
      const scheduled = events.find((e) => e.reason === 'Scheduled');
      drafts.push({ step: 'schedule', component: scheduled?.source?.component || 'default-scheduler', name: `bind to ${pod.spec?.nodeName ?? 'a node'}`, start: created || c.lastTransitionTime, end: c.lastTransitionTime, message: scheduled?.message, attributes: { node: pod.spec?.nodeName ?? '' } });
    } else if (c.type === 'Initialized' && (pod.spec?.initContainers ?? []).length > 0) {
      drafts.push({ step: 'node', component: 'kubelet', name: 'init containers completed', start: c.lastTransitionTime });
    } else if (c.type === 'ContainersReady' || c.type === 'Ready') {
      drafts.push({ step: 'status', component: 'kubelet', name: c.type === 'Ready' ? 'Ready' : 'containers ready', start: c.lastTransitionTime, attributes: c.type === 'Ready' ? { ready: 'True' } : {} });
    }
  }
  return drafts;
}

/** A trace id from the pod's uid (32 hex digits, as OpenTelemetry wants), so an export names the same pod each time. */
function traceIdOf(uid: string): string {
  return (uid.replace(/[^0-9a-f]/gi, '').toLowerCase() + '0'.repeat(32)).slice(0, 32);
}

export function rebuiltJourney(pod: PodView, events: EventView[]): PodTrace {
  const created = pod.metadata.creationTimestamp;
  const drafts: Draft[] = [
    ...(created ? [{ step: 'persist' as const, component: 'kube-apiserver', name: 'created and stored', start: created, attributes: { uid: pod.metadata.uid ?? '' } }] : []),
    ...conditionDrafts(pod, events),
    ...imageDrafts(events),
    ...containerDrafts(pod, events),
    ...failureDrafts(events),
  ].filter((d) => !Number.isNaN(ms(d.start)));
  const spans: TraceSpan[] = drafts
    .sort((a, b) => ms(a.start) - ms(b.start))
    .map((d, i) => {
      const startMs = ms(d.start);
      const endMs = Math.max(startMs, d.end ? ms(d.end) : startMs);
      return {
        spanId: (i + 1).toString(16).padStart(16, '0'),
        step: d.step,
        component: d.component,
        name: d.name,
        startMs,
        endMs,
        status: d.error ? 'error' : 'ok',
        ...(d.message && { message: d.message }),
        attributes: { ...d.attributes, precision: '1 s' },
      };
    });
  return { traceId: traceIdOf(pod.metadata.uid ?? ''), namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '', spans, droppedSpans: 0, rebuilt: rebuiltJourneyNote };
}
