// A pod's life as one timeline, in the order of the flow PodLab makes real:
// accepted and stored by the API server, scheduled, its sandbox and network
// on the node, images, containers started (and stopped), probes, Ready.
// Built from what any cluster keeps (the pod's timestamps and conditions,
// and its events), so it reads the same for PodLab and for a remote cluster.

import type { ContainerStateView, EventView, PodView } from './podView.ts';
import { allContainerStatuses } from './podView.ts';

export type TimelineStep = 'api' | 'schedule' | 'node' | 'image' | 'container' | 'probe' | 'ready';
export type TimelineTone = 'ok' | 'progress' | 'warn' | 'bad' | 'muted';

export interface TimelineEntry {
  /** RFC 3339; entries are sorted by it, then by step. */
  time: string;
  step: TimelineStep;
  /** The event's reason, or the condition type, when the entry comes from one. */
  reason?: string;
  title: string;
  detail?: string;
  tone: TimelineTone;
}

const stepOrder: TimelineStep[] = ['api', 'schedule', 'node', 'image', 'container', 'probe', 'ready'];
/** Within one second (events carry whole seconds), the order they happen in. */
const reasonOrder = ['Pulling', 'Pulled', 'Created', 'Started', 'Unhealthy', 'Killing', 'BackOff', 'Initialized', 'ContainersReady', 'Ready'];

const eventSteps: Record<string, { step: TimelineStep; tone: TimelineTone }> = {
  Scheduled: { step: 'schedule', tone: 'ok' },
  FailedScheduling: { step: 'schedule', tone: 'bad' },
  FailedCreatePodSandBox: { step: 'node', tone: 'bad' },
  SandboxChanged: { step: 'node', tone: 'warn' },
  FailedMount: { step: 'node', tone: 'bad' },
  Pulling: { step: 'image', tone: 'progress' },
  Pulled: { step: 'image', tone: 'ok' },
  ErrImageNeverPull: { step: 'image', tone: 'bad' },
  InspectFailed: { step: 'image', tone: 'bad' },
  Created: { step: 'container', tone: 'ok' },
  Started: { step: 'container', tone: 'ok' },
  Killing: { step: 'container', tone: 'warn' },
  Unhealthy: { step: 'probe', tone: 'bad' },
  ProbeWarning: { step: 'probe', tone: 'warn' },
  // The debugger's own fixes, recorded on the pod (source podlab-debugger).
  FixApplied: { step: 'api', tone: 'progress' },
  FixVerified: { step: 'ready', tone: 'ok' },
  FixFailed: { step: 'ready', tone: 'bad' },
};

/** Failed and BackOff name either an image pull or a container, which their message tells apart. */
function eventStep(event: EventView): { step: TimelineStep; tone: TimelineTone } {
  const known = eventSteps[event.reason ?? ''];
  if (known) return known;
  const image = /image/i.test(event.message ?? '');
  if (event.reason === 'Failed' || event.reason === 'BackOff') return { step: image ? 'image' : 'container', tone: 'bad' };
  return { step: 'node', tone: event.type === 'Warning' ? 'warn' : 'muted' };
}

function eventEntry(event: EventView): TimelineEntry | undefined {
  const time = event.firstTimestamp || event.eventTime || event.metadata.creationTimestamp || '';
  if (!time) return undefined;
  const repeated = event.count && event.count > 1 ? ` (x${event.count}, last at ${event.lastTimestamp ?? '?'})` : '';
  return { time, ...eventStep(event), reason: event.reason, title: `${event.reason ?? 'Event'}${repeated}`, detail: event.message };
}

const conditionTitles: Record<string, [string, string]> = {
  PodReadyToStartContainers: ['Sandbox ready: the pod has its network namespace and IP', 'Sandbox not ready'],
  Initialized: ['Init containers completed', 'Init containers not completed'],
  ContainersReady: ['All containers ready', 'Containers not ready'],
  Ready: ['Ready: Services send it traffic', 'Not ready: Services send it no traffic'],
};

function conditionEntries(pod: PodView): TimelineEntry[] {
  const hasInit = (pod.spec?.initContainers ?? []).length > 0;
  return (pod.status?.conditions ?? []).flatMap((c) => {
    const titles = conditionTitles[c.type];
    // Initialized is True from the start for a pod without init containers: no step of its own.
    if (!titles || !c.lastTransitionTime || (c.type === 'Initialized' && !hasInit)) return [];
    const isTrue = c.status === 'True';
    const detail = [c.reason, c.message].filter(Boolean).join(': ');
    return [{ time: c.lastTransitionTime, step: c.type === 'PodReadyToStartContainers' ? ('node' as const) : ('ready' as const), reason: c.type, title: isTrue ? titles[0] : titles[1], tone: isTrue ? ('ok' as const) : ('warn' as const), ...(detail ? { detail } : {}) }];
  });
}

function terminationEntry(container: string, state: ContainerStateView | undefined): TimelineEntry | undefined {
  const t = state?.terminated;
  if (!t?.finishedAt) return undefined;
  return { time: t.finishedAt, step: 'container', title: `Container ${container} exited with code ${t.exitCode ?? '?'}${t.reason ? ` (${t.reason})` : ''}`, tone: t.exitCode === 0 ? 'muted' : 'bad', ...(t.message ? { detail: t.message } : {}) };
}

export function podTimeline(pod: PodView, events: EventView[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  if (pod.metadata.creationTimestamp) entries.push({ time: pod.metadata.creationTimestamp, step: 'api', title: 'Accepted by the API server and stored', tone: 'ok' });
  for (const event of events) {
    const entry = eventEntry(event);
    if (entry) entries.push(entry);
  }
  entries.push(...conditionEntries(pod));
  // Events are aggregated: the container's own record keeps the exact time of its last exits.
  for (const status of allContainerStatuses(pod)) {
    for (const state of [status.lastState, status.state]) {
      const entry = terminationEntry(status.name, state);
      if (entry) entries.push(entry);
    }
  }
  // deletionTimestamp is when the grace period ends, not when the delete came.
  if (pod.metadata.deletionTimestamp) entries.push({ time: pod.metadata.deletionTimestamp, step: 'api', title: 'Being deleted: its grace period ends here', tone: 'warn' });
  const rank = (e: TimelineEntry) => (e.reason && reasonOrder.includes(e.reason) ? reasonOrder.indexOf(e.reason) : reasonOrder.length);
  return entries.sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || stepOrder.indexOf(a.step) - stepOrder.indexOf(b.step) || rank(a) - rank(b));
}
