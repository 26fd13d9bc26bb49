// The horizontal pod autoscaler on the fake clock: the replica calculator's
// arithmetic (tolerance, missing and unready pods, requests), and the
// controller against the real API server reading metrics.k8s.io, served by
// main/metrics from figures the tests set as the usage collector would: scale
// up with its limit, tolerance, scale-down stabilization, behavior policies,
// and each condition, reason and event Kubernetes reports.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { hpaResource } from '../../main/controllers/podautoscaler/horizontalController.ts';
import { defaultReplicaCalculatorSettings, rawResourceReplicas, resourceReplicas, type PodMetrics } from '../../main/controllers/podautoscaler/replicaCalculator.ts';
import { deploymentsResource } from '../../main/controllers/shared/resources.ts';
import type { Pod } from '../../main/controllers/shared/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { kubeTimestamp } from '../../main/kube/time.ts';
import { serveMetricsApi } from '../../main/metrics/metricsApi.ts';
import type { PodUsage } from '../../main/metrics/usageCollector.ts';
import { events, settle, startHarness, until, type Harness } from './controllers-harness.ts';

const SYNC_MS = 15_000;
const NOW = Date.UTC(2025, 0, 1, 12);

function pod(name: string, options: { phase?: string; ready?: boolean; startedAgoMs?: number; readyAgoMs?: number; request?: string | null; deleting?: boolean } = {}): Pod {
  const phase = options.phase ?? 'Running';
  const started = NOW - (options.startedAgoMs ?? 600_000);
  const readyAt = NOW - (options.readyAgoMs ?? 600_000);
  const resources = options.request === null ? {} : { requests: { cpu: options.request ?? '100m' } };
  return {
    metadata: { name, namespace: 'default', labels: { app: 'web' }, ...(options.deleting ? { deletionTimestamp: kubeTimestamp(new Date(NOW)) } : {}) },
    spec: { containers: [{ name: 'main', image: 'busybox', resources }] },
    status: {
      phase,
      startTime: kubeTimestamp(new Date(started)),
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True', lastTransitionTime: kubeTimestamp(new Date(readyAt)) }],
    },
  } as Pod;
}

function usage(values: Record<string, number>, at = NOW, windowMs = 15_000): PodMetrics {
  return new Map(Object.entries(values).map(([name, value]) => [name, { timestamp: at, windowMs, value }]));
}

describe('replica calculator', () => {
  const settings = defaultReplicaCalculatorSettings;

  it('scales by the ratio of utilization to target, rounding up over the ready pods', () => {
    const pods = [pod('a'), pod('b'), pod('c')];
    const result = resourceReplicas(3, 50, 'cpu', '', pods, usage({ a: 90, b: 80, c: 70 }), settings, NOW);
    // 240m of 300m requested = 80%; 80/50 × 3 = 4.8 → 5.
    assert.deepEqual(result, { replicas: 5, utilization: 80, rawUtilization: 80 });
    assert.deepEqual(resourceReplicas(2, 50, 'cpu', '', [pod('a'), pod('b')], usage({ a: 100, b: 100 }), settings, NOW), { replicas: 4, utilization: 100, rawUtilization: 100 });
    const four = [pod('a'), pod('b'), pod('c'), pod('d')];
    assert.deepEqual(resourceReplicas(4, 50, 'cpu', '', four, usage({ a: 10, b: 10, c: 10, d: 10 }), settings, NOW), { replicas: 1, utilization: 10, rawUtilization: 10 });
  });

  it('keeps the count within the 10% tolerance', () => {
    const pods = [pod('a'), pod('b')];
    assert.equal(resourceReplicas(2, 50, 'cpu', '', pods, usage({ a: 54, b: 54 }), settings, NOW).replicas, 2);
    assert.equal(resourceReplicas(2, 50, 'cpu', '', pods, usage({ a: 56, b: 56 }), settings, NOW).replicas, 3);
    assert.deepEqual(resourceReplicas(3, 50, 'cpu', '', [pod('a'), pod('b'), pod('c')], usage({ a: 53, b: 54, c: 55 }), settings, NOW), { replicas: 3, utilization: 54, rawUtilization: 54 });
  });

  it('assumes a missing pod uses its full request when scaling down, which holds the scale-down back', () => {
    const pods = [pod('a'), pod('b'), pod('c'), pod('d')];
    // Three pods at 10% of 100m; d has no sample: counted at max(100%, target) = 100m, so 130m/400m = 32% → ceil(0.64 × 4) = 3.
    assert.equal(resourceReplicas(4, 50, 'cpu', '', pods, usage({ a: 10, b: 10, c: 10 }), settings, NOW).replicas, 3);
    assert.equal(resourceReplicas(4, 50, 'cpu', '', pods.slice(0, 3), usage({ a: 10, b: 10, c: 10 }), settings, NOW).replicas, 1);
  });

  it('counts unready and pending pods as using nothing when scaling up', () => {
    const pods = [pod('a'), pod('b', { phase: 'Pending' }), pod('c', { ready: false, startedAgoMs: 10_000, readyAgoMs: 10_000 })];
    // a alone: 100% vs 50% → ratio 2; with b and c at 0: 100m/300m = 33% < target → the direction flips, no change.
    assert.equal(resourceReplicas(3, 50, 'cpu', '', pods, usage({ a: 100, c: 300 }), settings, NOW).replicas, 3);
    // a and c ready: 200% → ratio 4; b at 0 → 400m/300m = 133% → ceil(2.66 × 3) = 8.
    const ready = [pod('a'), pod('b', { phase: 'Pending' }), pod('c')];
    assert.equal(resourceReplicas(3, 50, 'cpu', '', ready, usage({ a: 200, c: 200 }), settings, NOW).replicas, 8);
  });

  it('does not count a CPU sample taken less than a window after the pod became ready', () => {
    const pods = [pod('a'), pod('b', { startedAgoMs: 60_000, readyAgoMs: 10_000 })];
    // b's sample (window 15 s) was taken 10 s after it became ready: b is unready, a alone decides.
    assert.equal(resourceReplicas(2, 50, 'cpu', '', pods, usage({ a: 50, b: 500 }), settings, NOW).replicas, 2);
  });

  it('ignores pods being deleted or failed', () => {
    const pods = [pod('a'), pod('b', { deleting: true }), pod('c', { phase: 'Failed' })];
    assert.equal(resourceReplicas(3, 50, 'cpu', '', pods, usage({ a: 100, b: 0, c: 0 }), settings, NOW).replicas, 2);
  });

  it('fails as Kubernetes does without pods, usable metrics or requests', () => {
    assert.throws(() => resourceReplicas(1, 50, 'cpu', '', [], usage({}), settings, NOW), /^Error: no pods returned by selector while calculating replica count$/);
    assert.throws(() => resourceReplicas(1, 50, 'cpu', '', [pod('a', { phase: 'Pending' })], usage({ a: 1 }), settings, NOW), /did not receive metrics for targeted pods \(pods might be unready\)/);
    assert.throws(() => resourceReplicas(1, 50, 'cpu', '', [pod('a', { request: null })], usage({ a: 1 }), settings, NOW), /missing request for cpu in container main of Pod a/);
  });

  it('scales on average usage per pod for AverageValue targets', () => {
    const pods = [pod('a'), pod('b')];
    // 300m average against 100m → 6 pods.
    assert.deepEqual(rawResourceReplicas(2, 100, 'cpu', pods, usage({ a: 200, b: 400 }), settings, NOW), { replicas: 6, usage: 300 });
    assert.deepEqual(rawResourceReplicas(2, 100, 'cpu', pods, usage({ a: 105, b: 100 }), settings, NOW), { replicas: 2, usage: 102 });
  });
});

describe('horizontal pod autoscaler controller', () => {
  let h: Harness;
  /** The figures metrics.k8s.io serves, as the usage collector's latest round would hold them. */
  let usageRound: PodUsage[];
  beforeEach(async () => {
    h = await startHarness(['horizontal-pod-autoscaler']);
    usageRound = [];
    serveMetricsApi(h.api.api.readOnly, { podUsage: () => usageRound }, () => ['node-1']);
  });
  afterEach(async () => {
    await h.close();
    // What the HPA reports on itself (events, conditions) is not a controller failure.
    assert.deepEqual(h.errors, []);
  });

  const hpas = () => h.client.resource(hpaResource);
  const deployments = () => h.client.resource(deploymentsResource);

  async function target(replicas: number): Promise<void> {
    await deployments().create('default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'busybox', resources: { requests: { cpu: '100m' } } }] } } },
    });
  }

  /** Pods of the target as the kubelet reports them: running and ready for ten minutes. */
  async function runningPods(count: number, request: string | null = '100m'): Promise<string[]> {
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = `web-${i}`;
      const { status, ...object } = pod(name, { request, startedAgoMs: 600_000 + (h.clock.now() - NOW), readyAgoMs: 600_000 + (h.clock.now() - NOW) });
      const created = await h.pods.create('default', object as Pod);
      await h.pods.updateStatus('default', { ...created, status: { ...created.status, ...status } });
      names.push(name);
    }
    return names;
  }

  /** A new round of the usage collector: each pod's CPU in millicores, over a 15 s window ending now. */
  function reportCpu(millicores: Record<string, number>): void {
    const now = new Date(h.clock.now());
    usageRound = Object.entries(millicores).map(([name, m]) => ({ namespace: 'default', name, node: 'node-1', labels: { app: 'web' }, timestamp: now, windowMs: 15_000, containers: [{ name: 'main', nanoCores: m * 1e6, memoryBytes: 1 << 20 }] }));
  }

  async function autoscaler(spec: Record<string, unknown> = {}): Promise<void> {
    await hpas().create('default', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 1,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
        ...spec,
      },
    });
    await settle();
  }

  /** One sync period of fake time, half a second at a time: the work queue's cool-down runs on this clock too, so one jump would stretch a reconcile it ran across. */
  async function sync(): Promise<void> {
    for (let t = 0; t < SYNC_MS; t += 500) {
      h.clock.advance(500);
      await settle(10);
    }
    await settle();
  }

  const replicas = async () => ((await deployments().get('default', 'web')).spec as { replicas: number }).replicas;
  const status = async () => (await hpas().get('default', 'web')).status as { currentReplicas: number; desiredReplicas: number; currentMetrics?: unknown[]; conditions?: Array<{ type: string; status: string; reason: string; message: string; lastTransitionTime?: string }>; lastScaleTime?: string };
  const condition = async (type: string) => (await status()).conditions?.find((c) => c.type === type);
  const hpaEvents = async () => (await events(h, 'default')).filter((e) => e.involvedObject.kind === 'HorizontalPodAutoscaler').map((e) => `${e.reason}: ${e.message}`);

  it('waits a sync period, then scales up at most to twice the replicas (or 4), saying why', async () => {
    await target(2);
    const pods = await runningPods(2);
    reportCpu({ [pods[0]]: 200, [pods[1]]: 200 });
    await autoscaler();
    assert.equal(await replicas(), 2, 'nothing happens before the first sync period');
    await sync();
    await until('scaled to 4', async () => (await replicas()) === 4);
    const s = await status();
    assert.equal(s.currentReplicas, 2);
    assert.equal(s.desiredReplicas, 4);
    assert.ok(s.lastScaleTime);
    assert.deepEqual(s.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 200, averageValue: '200m' } } }]);
    assert.deepEqual(await condition('AbleToScale'), { type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', message: 'the HPA controller was able to update the target scale to 4', lastTransitionTime: (await condition('AbleToScale'))?.lastTransitionTime });
    assert.equal((await condition('ScalingActive'))?.message, 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)');
    assert.deepEqual([(await condition('ScalingLimited'))?.status, (await condition('ScalingLimited'))?.reason], ['True', 'ScaleUpLimit']);
    await until('event', async () => (await hpaEvents()).includes('SuccessfulRescale: New size: 4; reason: cpu resource utilization (percentage of request) above target'));
  });

  it('stays within the tolerance and says the recommended size matches', async () => {
    await target(2);
    const pods = await runningPods(2);
    reportCpu({ [pods[0]]: 53, [pods[1]]: 53 });
    await autoscaler();
    await sync();
    await until('status written', async () => (await status()).currentMetrics !== undefined);
    assert.equal(await replicas(), 2);
    assert.deepEqual([(await condition('AbleToScale'))?.reason, (await condition('ScalingLimited'))?.status, (await condition('ScalingLimited'))?.reason], ['ReadyForNewScale', 'False', 'DesiredWithinRange']);
  });

  it('scales down only after the 300 s stabilization window, to the highest recent recommendation', async () => {
    await target(4);
    const pods = await runningPods(4);
    reportCpu(Object.fromEntries(pods.map((p) => [p, 10])));
    await autoscaler();
    await sync();
    await until('stabilized', async () => (await condition('AbleToScale'))?.reason === 'ScaleDownStabilized');
    assert.equal(await replicas(), 4);
    assert.equal((await condition('AbleToScale'))?.message, 'recent recommendations were higher than current one, applying the highest recent recommendation');
    for (let t = 0; t < 300_000; t += SYNC_MS) {
      reportCpu(Object.fromEntries(pods.map((p) => [p, 10])));
      await sync();
    }
    await until('scaled down', async () => (await replicas()) === 1);
    await until('event', async () => (await hpaEvents()).includes('SuccessfulRescale: New size: 1; reason: All metrics below target'));
  });

  it('follows behavior policies: one pod per minute up, ScaleUpLimit in between', async () => {
    await target(2);
    const pods = await runningPods(2);
    reportCpu({ [pods[0]]: 300, [pods[1]]: 300 });
    await autoscaler({ behavior: { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } });
    // The API server filled in the rest of the behavior (SetDefaults_HorizontalPodAutoscalerBehavior).
    const stored = (await hpas().get('default', 'web')).spec as { behavior: { scaleDown: unknown } };
    assert.deepEqual(stored.behavior.scaleDown, { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
    await sync();
    await until('3 replicas', async () => (await replicas()) === 3);
    assert.equal((await condition('ScalingLimited'))?.reason, 'ScaleUpLimit');
    await sync();
    assert.equal(await replicas(), 3, 'no second pod within the policy period');
    for (let i = 0; i < 3; i++) await sync();
    await until('4 replicas', async () => (await replicas()) === 4);
  });

  it('says TooManyReplicas at maxReplicas, ScaleUpStabilized within a scale-up window', async () => {
    await target(2);
    const pods = await runningPods(2);
    reportCpu({ [pods[0]]: 300, [pods[1]]: 300 });
    await autoscaler({ maxReplicas: 3, behavior: { scaleUp: { stabilizationWindowSeconds: 60 } } });
    await sync();
    // The first recommendation (the current 2) is still within the 60 s window: the lowest one wins.
    await until('stabilized', async () => (await condition('AbleToScale'))?.reason === 'ScaleUpStabilized');
    assert.equal((await condition('AbleToScale'))?.message, 'recent recommendations were lower than current one, applying the lowest recent recommendation');
    assert.equal(await replicas(), 2);
    for (let i = 0; i < 4; i++) {
      reportCpu({ [pods[0]]: 300, [pods[1]]: 300 });
      await sync();
    }
    await until('3', async () => (await replicas()) === 3);
    assert.deepEqual([(await condition('ScalingLimited'))?.status, (await condition('ScalingLimited'))?.reason, (await condition('ScalingLimited'))?.message], ['True', 'TooManyReplicas', 'the desired replica count is more than the maximum replica count']);
  });

  it('says ScaleDownLimit under a Pods policy and TooFewReplicas at minReplicas', async () => {
    await target(4);
    const pods = await runningPods(4);
    const low = () => reportCpu(Object.fromEntries(pods.map((p) => [p, 5])));
    low();
    await autoscaler({ minReplicas: 2, behavior: { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } });
    await sync();
    await until('3', async () => (await replicas()) === 3);
    assert.deepEqual([(await condition('ScalingLimited'))?.reason, (await condition('ScalingLimited'))?.message], ['ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate']);
    for (let i = 0; i < 4; i++) {
      low();
      await sync();
    }
    await until('2', async () => (await replicas()) === 2);
    assert.deepEqual([(await condition('ScalingLimited'))?.status, (await condition('ScalingLimited'))?.reason, (await condition('ScalingLimited'))?.message], ['True', 'TooFewReplicas', 'the desired replica count is less than the minimum replica count']);
    await until('event', async () => (await hpaEvents()).includes('SuccessfulRescale: New size: 2; reason: All metrics below target'));
  });

  it('reports FailedGetResourceMetric when metrics.k8s.io has nothing, and prints <unknown>', async () => {
    await target(1);
    await runningPods(1);
    await autoscaler();
    await sync();
    await until('ScalingActive false', async () => (await condition('ScalingActive'))?.status === 'False');
    const active = await condition('ScalingActive');
    assert.equal(active?.reason, 'FailedGetResourceMetric');
    assert.equal(active?.message, 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API');
    await until('events', async () => {
      const all = await hpaEvents();
      return (
        all.includes('FailedGetResourceMetric: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API') &&
        all.includes('FailedComputeMetricsReplicas: invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API')
      );
    });
    const table = (await hpas().list('default')).items[0];
    assert.deepEqual((table.status as { currentMetrics: unknown[] }).currentMetrics, [{ type: '' }]);
  });

  it('reports a missing request as Kubernetes words it', async () => {
    await target(1);
    const pods = await runningPods(1, null);
    reportCpu({ [pods[0]]: 50 });
    await autoscaler();
    await sync();
    await until('failed', async () => (await condition('ScalingActive'))?.message === 'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container main of Pod web-0');
  });

  it('reports FailedGetScale when the target does not exist', async () => {
    await autoscaler({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'nosuch' } });
    await sync();
    await until('AbleToScale false', async () => (await condition('AbleToScale'))?.status === 'False');
    assert.deepEqual([(await condition('AbleToScale'))?.reason, (await condition('AbleToScale'))?.message], ['FailedGetScale', `the HPA controller was unable to get the target's current scale: deployments.apps "nosuch" not found`]);
    await until('event', async () => (await hpaEvents()).includes('FailedGetScale: deployments.apps "nosuch" not found'));
  });

  it('does not scale a target at zero replicas (ScalingDisabled)', async () => {
    await target(0);
    await autoscaler();
    await sync();
    await until('disabled', async () => (await condition('ScalingActive'))?.reason === 'ScalingDisabled');
    assert.equal((await condition('ScalingActive'))?.message, 'scaling is disabled since the replica count of the target is zero');
    assert.equal(await replicas(), 0);
  });

  it('brings a target below minReplicas up to it', async () => {
    await target(1);
    await autoscaler({ minReplicas: 3 });
    await sync();
    await until('3', async () => (await replicas()) === 3);
    await until('event', async () => (await hpaEvents()).includes('SuccessfulRescale: New size: 3; reason: Current number of replicas below Spec.MinReplicas'));
  });

  it('scales a StatefulSet through its scale subresource on a ContainerResource AverageValue target', async () => {
    await h.client.resource({ group: 'apps', version: 'v1', plural: 'statefulsets' }).create('default', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: { replicas: 2, serviceName: 'db', selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } } },
    });
    const pods = await runningPods(2);
    reportCpu({ [pods[0]]: 300, [pods[1]]: 300 });
    await autoscaler({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db' },
      metrics: [{ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'main', target: { type: 'AverageValue', averageValue: '100m' } } }],
    });
    await sync();
    const sts = () => h.client.resource({ group: 'apps', version: 'v1', plural: 'statefulsets' }).get('default', 'db');
    // 300m average against 100m: 6 pods wanted, at most 4 at once.
    await until('scaled to 4', async () => ((await sts()).spec as { replicas: number }).replicas === 4);
    assert.deepEqual((await status()).currentMetrics, [{ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'main', current: { averageValue: '300m' } } }]);
    await until('event', async () => (await hpaEvents()).includes('SuccessfulRescale: New size: 4; reason: cpu resource above target'));
  });

  it('refuses pods two HPAs select (AmbiguousSelector), and maps the target by group and kind whatever its version', async () => {
    await target(2);
    const pods = await runningPods(2);
    reportCpu({ [pods[0]]: 50, [pods[1]]: 50 });
    await autoscaler({ scaleTargetRef: { apiVersion: 'apps/v1beta1', kind: 'Deployment', name: 'web' } });
    await hpas().create('default', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'other' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 3 } });
    await settle();
    await sync();
    await sync();
    await until('ambiguous', async () => (await condition('ScalingActive'))?.reason === 'AmbiguousSelector');
    assert.equal((await condition('ScalingActive'))?.message, 'pods by selector app=web are controlled by multiple HPAs: [{other default} {web default}]');
    assert.equal((await condition('AbleToScale'))?.reason, 'SucceededGetScale');
  });

  it('reports an unknown target kind as FailedGetScale', async () => {
    await autoscaler({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Widget', name: 'x' } });
    await sync();
    await until('AbleToScale false', async () => (await condition('AbleToScale'))?.message === `the HPA controller was unable to get the target's current scale: no matches for kind "Widget" in group "apps"`);
  });

  it('serves what it wrote through autoscaling/v1 as currentCPUUtilizationPercentage', async () => {
    await target(2);
    const pods = await runningPods(2);
    reportCpu({ [pods[0]]: 60, [pods[1]]: 60 });
    const v1 = h.client.resource({ group: 'autoscaling', version: 'v1', plural: 'horizontalpodautoscalers' });
    await v1.create('default', { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, targetCPUUtilizationPercentage: 50 } } as KubeObject);
    const v2 = (await hpas().get('default', 'web')).spec as { minReplicas: number; metrics: unknown[] };
    assert.equal(v2.minReplicas, 1);
    assert.deepEqual(v2.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }]);
    await settle();
    await sync();
    await until('v1 status', async () => ((await v1.get('default', 'web')).status as { currentCPUUtilizationPercentage?: number }).currentCPUUtilizationPercentage === 60);
    // 120m of 200m = 60% against 50%: ceil(1.2 × 2) = 3.
    assert.deepEqual((await v1.get('default', 'web')).status, { currentReplicas: 2, desiredReplicas: 3, lastScaleTime: (await status()).lastScaleTime, currentCPUUtilizationPercentage: 60 });
  });
});
