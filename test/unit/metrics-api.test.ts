// The Resource Metrics API PodLab serves itself: the collector's CPU from two
// samples of cumulative CPU time and its memory working set, per container,
// with the pod's labels; PodMetrics and NodeMetrics through the API server
// with label and field selectors, get, and no watch.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { serveMetricsApi } from '../../main/metrics/metricsApi.ts';
import { UsageCollector } from '../../main/metrics/usageCollector.ts';
import { SimulatedRuntime } from '../../main/runtime/simulated/simulatedRuntime.ts';
import { FakeClock } from '../helpers/fakeClock.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const podMetricsRef = { group: 'metrics.k8s.io', version: 'v1beta1', plural: 'pods' };
const nodeMetricsRef = { group: 'metrics.k8s.io', version: 'v1beta1', plural: 'nodes' };

describe('metrics.k8s.io', () => {
  const clock = new FakeClock(Date.UTC(2026, 0, 1));
  const runtime = new SimulatedRuntime({ cluster: 'c', node: 'node-1', now: () => new Date(clock.now()), setTimer: () => undefined });
  const collector = new UsageCollector({ nodeNames: () => ['node-1'], runtimeFor: () => runtime }, clock, 10_000);
  let api: InProcessApi;

  async function runPod(name: string, labels: Record<string, string>): Promise<void> {
    const meta = { name, namespace: 'default', uid: `uid-${name}`, attempt: 0 };
    const sandbox = await runtime.runPodSandbox({ metadata: meta, labels } as never);
    await runtime.pullImage('busybox:1.36');
    const id = await runtime.createContainer(sandbox, { metadata: { name: 'main', attempt: 0 }, image: 'busybox:1.36', labels } as never, { metadata: meta, labels } as never);
    await runtime.startContainer(id);
  }

  before(async () => {
    api = await startInProcessApi(() => new Date(clock.now()));
    serveMetricsApi(api.api.readOnly, collector, () => ['node-1']);
    await runPod('web-1', { app: 'web' });
    await runPod('db-1', { app: 'db' });
  });
  after(() => api.close());

  it('has figures once two samples are taken: CPU from the change of CPU time, memory as the working set', async () => {
    await collector.collect();
    assert.equal((await api.client.resource(podMetricsRef).list('default')).items.length, 0, 'one sample gives no CPU figure yet');
    clock.advance(10_000);
    await collector.collect();
    const web = await api.client.resource(podMetricsRef).get('default', 'web-1');
    const { containers, window, timestamp } = web as unknown as { containers: Array<{ name: string; usage: { cpu: string; memory: string } }>; window: string; timestamp: string };
    assert.deepEqual(containers.map((c) => c.name), ['main']);
    assert.match(containers[0]!.usage.cpu, /^\d+n$/);
    assert.match(containers[0]!.usage.memory, /^\d+Ki$/);
    assert.equal(window, '10s');
    assert.equal(timestamp, '2026-01-01T00:00:10Z');
    assert.deepEqual(web.metadata.labels, { app: 'web' });
  });

  it('lists by label and field selector, sums pods per node, and has no watch', async () => {
    const selected = await api.client.resource(podMetricsRef).list('default', { labelSelector: 'app=db' });
    assert.deepEqual(selected.items.map((i) => i.metadata.name), ['db-1']);
    const byName = await api.client.resource(podMetricsRef).list(undefined, { fieldSelector: 'metadata.name=web-1' });
    assert.deepEqual(byName.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`), ['default/web-1']);
    const [node] = (await api.client.resource(nodeMetricsRef).list()).items as unknown as Array<{ metadata: { name: string }; usage: { cpu: string } }>;
    const pods = (await api.client.resource(podMetricsRef).list()).items as unknown as Array<{ containers: Array<{ usage: { cpu: string } }> }>;
    const sum = pods.flatMap((p) => p.containers).reduce((s, c) => s + Number.parseInt(c.usage.cpu, 10), 0);
    assert.deepEqual([node!.metadata.name, node!.usage.cpu], ['node-1', `${sum}n`]);
    await assert.rejects(api.client.resource(podMetricsRef).get('default', 'nothing'), /podmetrics|pods.metrics.k8s.io "nothing" not found|not found/);
  });
});
