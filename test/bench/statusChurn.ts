// Pods whose status keeps changing, at a steady rate, through the API's
// status subresource: what a busy cluster's kubelets send a UI. The pods are
// ones no node takes, so nothing else writes their status and every change
// is this driver's: Running, then a crash loop with a growing restart count,
// then Running again, with READY flipping, as `kubectl get pods` would show.

import { performance } from 'node:perf_hooks';
import { rawRequest, type ApiTarget } from '../helpers/apiClient.ts';
import { sleep } from './measures.ts';

export interface ChurnResult {
  patches: number;
  failures: number;
  firstFailure?: string;
  seconds: number;
}

/** The status a pod has at `step` of the churn (0: Running and Ready). */
export function statusFor(step: number, startedAt: string) {
  const crashing = step % 3 === 2;
  return {
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          image: 'busybox:latest',
          imageID: '',
          ready: !crashing,
          started: !crashing,
          restartCount: Math.floor(step / 3),
          state: crashing ? { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app' } } : { running: { startedAt } },
        },
      ],
    },
  };
}

/** Patches `names` round-robin at `perSecond` until `stop()`; at most `inFlight` requests at once. */
export function startStatusChurn(api: ApiTarget, namespace: string, names: string[], perSecond: number, inFlight = 16): { stop(): Promise<ChurnResult> } {
  const startedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const result: ChurnResult = { patches: 0, failures: 0, seconds: 0 };
  const began = performance.now();
  let stopped = false;
  let sent = 0;
  let running = 0;
  const patch = async (n: number) => {
    const name = names[n % names.length]!;
    const step = Math.floor(n / names.length);
    running++;
    try {
      const res = await rawRequest(api, 'PATCH', `/api/v1/namespaces/${namespace}/pods/${name}/status`, JSON.stringify(statusFor(step, startedAt)), { 'Content-Type': 'application/merge-patch+json' });
      if (res.status === 200) result.patches++;
      else {
        result.failures++;
        result.firstFailure ??= `HTTP ${res.status}: ${res.body.slice(0, 200)}`;
      }
    } catch (err) {
      result.failures++;
      result.firstFailure ??= (err as Error).message;
    } finally {
      running--;
    }
  };
  const loop = (async () => {
    const inFlightWork = new Set<Promise<void>>();
    while (!stopped) {
      // Paced by the clock, not by a fixed sleep, so slow answers do not lower the rate unnoticed.
      const due = Math.floor(((performance.now() - began) / 1000) * perSecond);
      while (sent < due && running < inFlight) {
        const work = patch(sent++);
        inFlightWork.add(work);
        void work.finally(() => inFlightWork.delete(work));
      }
      await sleep(10);
    }
    await Promise.all(inFlightWork);
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      result.seconds = (performance.now() - began) / 1000;
      return result;
    },
  };
}
