// A liveness probe that kills a container before it ever passed: the
// program is still starting when initialDelaySeconds + periodSeconds ×
// failureThreshold runs out, so it is killed, starts again, and never
// gets there. Kubernetes' answer (and the seed's best practice) is a
// startupProbe: the kubelet holds liveness back until it passes once, so a
// slow start has its own, longer budget while liveness stays quick to
// catch a hang later.

import type { ContainerProbeRuns, Fix } from '../../preload/api.ts';
import { containerSpecFix } from './fixBuilders.ts';
import type { ContainerStatusView, ProbeView } from './podView.ts';

export interface SlowStart {
  /** How long the killed instance ran, in seconds, when its termination says. */
  ranSeconds?: number;
  /** What shows it never passed: the kubelet's kept runs, or how soon it was killed. */
  evidence: string;
}

const seconds = (probe: ProbeView) => ({ delay: probe.initialDelaySeconds ?? 0, period: probe.periodSeconds ?? 10, threshold: probe.failureThreshold ?? 3 });

/** The liveness budget: a container that passed once is killed no sooner than this after it started. */
export function livenessBudget(probe: ProbeView): number {
  const { delay, period, threshold } = seconds(probe);
  return delay + period * threshold;
}

/** Whether the container was killed by liveness without its probe ever passing; undefined when nothing tells. */
export function slowStart(status: ContainerStatusView, probe: ProbeView, runs: ContainerProbeRuns[] | undefined): SlowStart | undefined {
  const last = status.lastState?.terminated;
  const ran = last?.startedAt && last.finishedAt ? Math.round((Date.parse(last.finishedAt) - Date.parse(last.startedAt)) / 1000) : undefined;
  const kept = runs?.find((r) => r.container === status.name && r.kind === 'liveness')?.runs;
  if (kept && kept.length > 0) {
    if (kept.some((r) => r.outcome === 'success')) return undefined;
    return { ...(ran !== undefined && { ranSeconds: ran }), evidence: `none of the ${kept.length} liveness checks the kubelet kept passed` };
  }
  // Without the kubelet's runs: a container that passed once lives at least the whole budget (a pass at initialDelaySeconds, then failureThreshold failures).
  if (ran !== undefined && ran < livenessBudget(probe)) return { ranSeconds: ran, evidence: `it was killed ${ran}s after it started, sooner than a container that passed once can be (${livenessBudget(probe)}s)` };
  return undefined;
}

/** The window the startup probe gives: four times the liveness budget, at least a minute, in whole periods. */
export function startupWindow(probe: ProbeView): { periodSeconds: number; failureThreshold: number } {
  const { period } = seconds(probe);
  const window = Math.max(60, 4 * livenessBudget(probe));
  return { periodSeconds: period, failureThreshold: Math.ceil(window / period) };
}

export function startupProbeFix(container: string, liveness: ProbeView, found: SlowStart): Fix {
  const { httpGet, tcpSocket, exec, grpc, timeoutSeconds } = liveness;
  const handler = { ...(httpGet && { httpGet }), ...(tcpSocket && { tcpSocket }), ...(exec && { exec }), ...(grpc && { grpc }), ...(timeoutSeconds !== undefined && { timeoutSeconds }) };
  const { periodSeconds, failureThreshold } = startupWindow(liveness);
  return containerSpecFix(
    `Add a startupProbe to ${container} allowing ${periodSeconds * failureThreshold}s to start`,
    `The liveness probe gives ${container} ${livenessBudget(liveness)}s (initialDelaySeconds + periodSeconds × failureThreshold) and it was killed ${found.ranSeconds !== undefined ? `after ${found.ranSeconds}s ` : ''}before it ever passed: it starts slower than that. A startupProbe with the same check (every ${periodSeconds}s, up to ${failureThreshold} failures: ${periodSeconds * failureThreshold}s) holds the liveness probe back until the program has started once; liveness then keeps catching hangs as quickly as before. Best practice for slow starts: size periodSeconds × failureThreshold to the slowest start you expect, rather than raising initialDelaySeconds, which slows every restart's checks.`,
    container,
    { startupProbe: { ...handler, periodSeconds, failureThreshold } },
  );
}
