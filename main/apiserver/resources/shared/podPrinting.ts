// The READY, STATUS and RESTARTS cells of `kubectl get pods`, computed as
// printPod in pkg/printers/internalversion/printers.go computes them.

import { ageSince } from './humanDuration.ts';
import { isObject, numberAt, objectAt, objectsAt, stringAt, type JsonObject } from './json.ts';

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

function isRestartableInitContainer(c: JsonObject | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function hasCondition(status: JsonObject | undefined, type: string): boolean {
  return objectsAt(status, 'conditions').some((c) => c.type === type && c.status === 'True');
}

function laterTime(current: string, candidate: unknown): string {
  if (typeof candidate !== 'string' || candidate === '') return current;
  if (current === '' || Date.parse(candidate) > Date.parse(current)) return candidate;
  return current;
}

function lastTerminatedAt(cs: JsonObject): unknown {
  return stringAt(objectAt(objectAt(cs, 'lastState'), 'terminated'), 'finishedAt');
}

export function summarizePod(pod: JsonObject, now: Date): PodSummary {
  const spec = objectAt(pod, 'spec');
  const status = objectAt(pod, 'status');
  const metadata = objectAt(pod, 'metadata');
  const initSpecs = objectsAt(spec, 'initContainers');
  let totalContainers = objectsAt(spec, 'containers').length;
  let readyContainers = 0;
  let restarts = 0;
  let restartableInitRestarts = 0;
  let lastRestartDate = '';
  let lastRestartableInitRestartDate = '';

  const phase = stringAt(status, 'phase');
  let reason = stringAt(status, 'reason') || phase;
  for (const condition of objectsAt(status, 'conditions')) {
    if (condition.type === 'PodScheduled' && condition.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initByName = new Map<string, JsonObject>();
  for (const c of initSpecs) {
    initByName.set(stringAt(c, 'name'), c);
    if (isRestartableInitContainer(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = objectsAt(status, 'initContainerStatuses');
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const state = objectAt(cs, 'state');
    const terminated = objectAt(state, 'terminated');
    const waiting = objectAt(state, 'waiting');
    const restartCount = numberAt(cs, 'restartCount') ?? 0;
    const restartable = isRestartableInitContainer(initByName.get(stringAt(cs, 'name')));
    restarts += restartCount;
    lastRestartDate = laterTime(lastRestartDate, lastTerminatedAt(cs));
    if (restartable) {
      restartableInitRestarts += restartCount;
      lastRestartableInitRestartDate = laterTime(lastRestartableInitRestartDate, lastTerminatedAt(cs));
    }
    if (terminated && (numberAt(terminated, 'exitCode') ?? 0) === 0) continue;
    if (restartable && cs.started === true) {
      if (cs.ready === true) readyContainers++;
      continue;
    }
    if (terminated) {
      const terminatedReason = stringAt(terminated, 'reason');
      const signal = numberAt(terminated, 'signal') ?? 0;
      if (terminatedReason) reason = `Init:${terminatedReason}`;
      else if (signal !== 0) reason = `Init:Signal:${signal}`;
      else reason = `Init:ExitCode:${numberAt(terminated, 'exitCode') ?? 0}`;
    } else if (waiting && stringAt(waiting, 'reason') && stringAt(waiting, 'reason') !== 'PodInitializing') {
      reason = `Init:${stringAt(waiting, 'reason')}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || hasCondition(status, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestartDate = lastRestartableInitRestartDate;
    let hasRunning = false;
    const statuses = objectsAt(status, 'containerStatuses');
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      const state = objectAt(cs, 'state');
      const waiting = objectAt(state, 'waiting');
      const terminated = objectAt(state, 'terminated');
      restarts += numberAt(cs, 'restartCount') ?? 0;
      lastRestartDate = laterTime(lastRestartDate, lastTerminatedAt(cs));
      if (waiting && stringAt(waiting, 'reason')) {
        reason = stringAt(waiting, 'reason');
      } else if (terminated && stringAt(terminated, 'reason')) {
        reason = stringAt(terminated, 'reason');
      } else if (terminated) {
        const signal = numberAt(terminated, 'signal') ?? 0;
        reason = signal !== 0 ? `Signal:${signal}` : `ExitCode:${numberAt(terminated, 'exitCode') ?? 0}`;
      } else if (cs.ready === true && isObject(objectAt(state, 'running'))) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A container still running turns "Completed" (from a finished sibling) back into Running or NotReady.
    if (reason === 'Completed' && hasRunning) reason = hasCondition(status, 'Ready') ? 'Running' : 'NotReady';
  }

  if (metadata?.deletionTimestamp && stringAt(status, 'reason') === 'NodeLost') reason = 'Unknown';
  else if (metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestartDate !== '') restartsText = `${restarts} (${ageSince(lastRestartDate, now)} ago)`;
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsText };
}

/** The READINESS GATES cell: how many of the pod's gates have a True condition. */
export function readinessGatesCell(pod: JsonObject): string {
  const gates = objectsAt(objectAt(pod, 'spec'), 'readinessGates');
  if (gates.length === 0) return '<none>';
  const conditions = objectsAt(objectAt(pod, 'status'), 'conditions');
  const trueCount = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${trueCount}/${gates.length}`;
}
