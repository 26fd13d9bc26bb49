// What the controller tests share: an in-process API server and controller
// manager on one fake clock, waiting by event-loop turns (never by wall-clock
// time), and the scheduler's and kubelet's parts played by hand: bind a pod,
// report it Running with an IP, make it Ready.
//
// While a test waits, the fake clock creeps forward a millisecond every other
// turn: a controller that lost a race with its informer retries after a few
// milliseconds of backoff, and with a clock that never moved it never would.
// A wait of thousands of turns is still only seconds of fake time, far from
// the minReadySeconds and deadlines the tests move the clock across themselves.

import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { isApiError, type KubeClient, type ResourceClient } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { kubeTimestamp } from '../../main/kube/time.ts';
import { ControllerManager, isRoutineRace, type ControllerManagerOptions } from '../../main/controllers/controllerManager.ts';
import { deploymentsResource, podsResource, replicaSetsResource } from '../../main/controllers/shared/resources.ts';
import type { Pod } from '../../main/controllers/shared/types.ts';
import { FakeClock } from '../helpers/fakeClock.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

export interface Harness {
  api: InProcessApi;
  client: KubeClient;
  clock: FakeClock;
  manager: ControllerManager;
  pods: ResourceClient<Pod>;
  errors: string[];
  close(): Promise<void>;
}

let waitingClock: FakeClock | undefined;

async function waitTurn(i: number): Promise<void> {
  await nextTurn();
  if (i % 2 === 1) waitingClock?.advance(1);
}

export async function startHarness(controllers?: string[], extra: Pick<ControllerManagerOptions, 'localPathStorage'> = {}): Promise<Harness> {
  const clock = new FakeClock(Date.UTC(2025, 0, 1, 12));
  waitingClock = clock;
  const api = await startInProcessApi(() => new Date(clock.now()));
  const errors: string[] = [];
  const manager = new ControllerManager(api.client, {
    clock,
    controllers,
    ...extra,
    onError: (err, context) => {
      if (!isRoutineRace(err)) errors.push(`${context}: ${(err as Error).message}`);
    },
  });
  await manager.start();
  return {
    api,
    client: api.client,
    clock,
    manager,
    pods: api.client.resource<Pod>(podsResource),
    errors,
    close: async () => {
      await manager.stop();
      await api.close();
    },
  };
}

/** Waits, by event-loop turns, until `check` holds; fails with `what` if it never does. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, turns = 3000): Promise<T> {
  let last: unknown;
  for (let i = 0; i < turns; i++) {
    try {
      const result = await check();
      if (result !== undefined && result !== false) return result as T;
    } catch (err) {
      last = err;
    }
    await waitTurn(i);
  }
  assert.fail(`never happened: ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
}

/**
 * Like until, moving the fake clock half a second at a time (at most 30 s): a reconcile that a clock jump
 * ran across cools down for twice its fake duration before the queue runs its key again.
 */
export async function untilAdvancing<T>(h: Harness, what: string, check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 60; i++) {
    const found = await check();
    if (found !== undefined) return found;
    await settle(20);
    h.clock.advance(500);
  }
  return until(what, check);
}

/** Lets the controllers run until nothing more happens for a while (event-loop turns, not time). */
export async function settle(turns = 300): Promise<void> {
  for (let i = 0; i < turns; i++) await waitTurn(i);
}

export function labelsSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export async function listPods(h: Harness, namespace: string, labels: Record<string, string>): Promise<Pod[]> {
  return (await h.pods.list(namespace, { labelSelector: labelsSelector(labels) })).items;
}

/** The kubelet's part: the pod runs with an IP, Ready or not. */
export async function setPodStatus(h: Harness, pod: Pod, ready: boolean, ip = `10.244.0.${Math.floor(Math.random() * 200) + 2}`): Promise<Pod> {
  const now = kubeTimestamp(new Date(h.clock.now()));
  for (;;) {
    const current = await h.pods.get(pod.metadata.namespace, pod.metadata.name ?? '');
    const status = {
      ...(current.status ?? {}),
      phase: 'Running',
      podIP: current.status?.podIP ?? ip,
      podIPs: [{ ip: current.status?.podIP ?? ip }],
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: now },
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: now },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
      ],
    };
    try {
      return await h.pods.updateStatus(pod.metadata.namespace, { ...current, status });
    } catch (err) {
      if (!isApiError(err, 'Conflict')) throw err;
    }
  }
}

/** Every pod matching `labels` that is not yet Ready becomes Running and Ready. */
export async function readyAll(h: Harness, namespace: string, labels: Record<string, string>): Promise<number> {
  let count = 0;
  for (const pod of await listPods(h, namespace, labels)) {
    if (pod.metadata.deletionTimestamp) continue;
    if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
    await setPodStatus(h, pod, true);
    count++;
  }
  return count;
}

/** The scheduler's part: binds every unscheduled pod matching `labels` to `node`. */
export async function bindAll(h: Harness, namespace: string, labels: Record<string, string>, node = 'node-1'): Promise<void> {
  for (const pod of await listPods(h, namespace, labels)) {
    if (pod.spec.nodeName || pod.metadata.deletionTimestamp) continue;
    await h.pods.createSubresource(namespace, pod.metadata.name ?? '', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name }, target: { kind: 'Node', name: node } } as KubeObject);
  }
}

/** The kubelet's part of a graceful deletion: pods being deleted go for good. */
export async function finishTerminating(h: Harness, namespace: string, labels: Record<string, string>): Promise<number> {
  let count = 0;
  for (const pod of await listPods(h, namespace, labels)) {
    if (!pod.metadata.deletionTimestamp) continue;
    await h.pods.delete(namespace, pod.metadata.name ?? '', { gracePeriodSeconds: 0 }).catch(() => undefined);
    count++;
  }
  return count;
}

export function deployment(name: string, replicas: number, image: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image }] } },
      ...extra,
    },
  };
}

export const resources = {
  deployments: (h: Harness) => h.client.resource(deploymentsResource),
  replicaSets: (h: Harness) => h.client.resource(replicaSetsResource),
};

export async function events(h: Harness, namespace: string): Promise<Array<{ reason: string; message: string; involvedObject: { name: string; kind: string } }>> {
  return (await h.client.resource({ group: '', version: 'v1', plural: 'events' }).list(namespace)).items as never;
}
