// The kubelet API's parts that nodes/proxy serves: the Prometheus text
// format, the Summary built from container samples, probe totals, and the
// routing (Go's 404, go-restful's 405, HEAD, the bare path's redirect).

import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ProbeHistory } from '../../main/kubelet/probes/probeHistory.ts';
import { KubeletApi, type KubeletView } from '../../main/kubelet/server/kubeletApi.ts';
import { probeMetrics, resourceMetrics } from '../../main/kubelet/server/kubeletMetrics.ts';
import { prometheusText } from '../../main/metrics/prometheusText.ts';
import { statsSummary } from '../../main/kubelet/server/statsSummary.ts';
import type { Pod } from '../../main/kubelet/types.ts';
import type { ContainerSample } from '../../main/metrics/usageCollector.ts';

const GiB = 1024 ** 3;
const at = new Date('2026-12-06T10:00:05Z');

function sample(pod: string, container: string, cpuSeconds: number, workingSet: number, limitBytes?: number): ContainerSample {
  return {
    node: 'node-1',
    namespace: 'default',
    pod,
    podUid: `uid-${pod}`,
    container,
    containerId: `${pod}-${container}`.padEnd(64, '0'),
    image: 'busybox:1.36',
    createdAt: new Date('2026-12-06T10:00:00Z'),
    stats: { containerId: `${pod}-${container}`, timestamp: at, cpu: { usageCoreNanoSeconds: cpuSeconds * 1e9, usageNanoCores: 1000 }, memory: { workingSetBytes: workingSet, usageBytes: workingSet + 100, ...(limitBytes ? { limitBytes } : {}) }, pids: 2 },
  };
}

const pod = (name: string): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: `uid-${name}` }, spec: { containers: [{ name: 'app', image: 'busybox' }] }, status: { startTime: '2026-12-06T09:59:59Z' } }) as Pod;

describe('prometheusText', () => {
  it('sorts families, escapes label values, leaves out families without series and stamps sampled values', () => {
    const text = prometheusText([
      { name: 'zeta_total', help: 'Last.', type: 'counter', stability: 'ALPHA', series: [{ labels: { b: 'x', a: 'say "hi"\\\n' }, value: 1.5, timestampMs: 1000 }] },
      { name: 'empty', help: 'Nothing.', type: 'gauge', stability: 'STABLE', series: [] },
      { name: 'alpha', help: 'First.', type: 'gauge', stability: 'STABLE', series: [{ value: 0 }] },
    ]);
    assert.equal(text, '# HELP alpha [STABLE] First.\n# TYPE alpha gauge\nalpha 0\n# HELP zeta_total [ALPHA] Last.\n# TYPE zeta_total counter\nzeta_total{a="say \\"hi\\"\\\\\\n",b="x"} 1.5 1000\n');
  });
});

describe('resourceMetrics', () => {
  it('sums a pod\'s containers and the node\'s pods, in core-seconds and bytes', () => {
    const text = prometheusText(resourceMetrics([sample('a', 'one', 1.5, 100), sample('a', 'two', 0.5, 50), sample('b', 'one', 2, 10)], 0));
    assert.match(text, /^pod_cpu_usage_seconds_total\{namespace="default",pod="a"\} 2 1796551205000$/m);
    assert.match(text, /^pod_memory_working_set_bytes\{namespace="default",pod="a"\} 150 1796551205000$/m);
    assert.match(text, /^node_cpu_usage_seconds_total 4 1796551205000$/m);
    assert.match(text, /^node_memory_working_set_bytes 160 1796551205000$/m);
    assert.match(text, /^container_start_time_seconds\{container="two",namespace="default",pod="a"\} 1796551200 1796551200000$/m);
  });

  it('reports the node at zero, stamped now, when nothing runs', () => {
    const text = prometheusText(resourceMetrics([], 42_000));
    assert.match(text, /^node_cpu_usage_seconds_total 0 42000$/m);
    assert.doesNotMatch(text, /container_cpu_usage_seconds_total/);
  });
});

describe('statsSummary', () => {
  it('lists the kubelet\'s pods that have samples, with their containers, and the node as their sum', () => {
    const summary = statsSummary({ nodeName: 'node-1', startedAt: new Date('2026-12-06T09:00:00Z'), memoryCapacityBytes: 8 * GiB, pods: [pod('a'), pod('idle')], samples: [sample('a', 'one', 1, 100, 256 * 1024 * 1024), sample('a', 'two', 2, 50, 8 * GiB)], now: at }) as {
      node: { startTime: string; cpu: { usageCoreNanoSeconds: number }; memory: { availableBytes: number; workingSetBytes: number } };
      pods: Array<{ podRef: { name: string; uid: string }; startTime: string; containers: Array<{ name: string; memory: { availableBytes?: number } }>; memory: { workingSetBytes: number }; process_stats: { process_count: number } }>;
    };
    assert.equal(summary.node.startTime, '2026-12-06T09:00:00Z');
    assert.equal(summary.node.cpu.usageCoreNanoSeconds, 3e9);
    assert.equal(summary.node.memory.workingSetBytes, 150);
    assert.equal(summary.node.memory.availableBytes, 8 * GiB - 150);
    assert.deepEqual(summary.pods.map((p) => p.podRef), [{ name: 'a', namespace: 'default', uid: 'uid-a' }]);
    const [a] = summary.pods;
    assert.equal(a!.startTime, '2026-12-06T09:59:59Z');
    assert.equal(a!.memory.workingSetBytes, 150);
    assert.equal(a!.process_stats.process_count, 4);
    // A limit is what is left under it; no limit (the engine reports the machine's memory) gives none.
    assert.equal(a!.containers[0]!.memory.availableBytes, 256 * 1024 * 1024 - 100);
    assert.equal(a!.containers[1]!.memory.availableBytes, undefined);
  });
});

describe('probe totals', () => {
  it('counts every run by outcome, beyond the history kept, until the pod goes', () => {
    const history = new ProbeHistory(2);
    for (let i = 0; i < 5; i++) history.add('uid-a', 'app', 'readiness', { time: i, containerId: 'c', outcome: i === 4 ? 'failure' : 'success', latencyMs: 1, message: '' });
    history.add('uid-a', 'app', 'liveness', { time: 5, containerId: 'c', outcome: 'error', latencyMs: 1, message: 'boom' });
    assert.equal(history.list('uid-a', 'app', 'readiness').length, 2);
    const text = prometheusText(probeMetrics(history.totals(), (uid) => (uid === 'uid-a' ? pod('a') : undefined)));
    assert.match(text, /^prober_probe_total\{container="app",namespace="default",pod="a",pod_uid="uid-a",probe_type="Readiness",result="successful"\} 4$/m);
    assert.match(text, /^prober_probe_total\{container="app",namespace="default",pod="a",pod_uid="uid-a",probe_type="Readiness",result="failed"\} 1$/m);
    assert.match(text, /^prober_probe_total\{container="app",namespace="default",pod="a",pod_uid="uid-a",probe_type="Liveness",result="unknown"\} 1$/m);
    history.forgetPod('uid-a');
    assert.deepEqual(history.totals(), []);
  });
});

describe('KubeletApi', () => {
  let server: Server;
  let port: number;
  let running = true;
  const kubelet = {
    nodeName: 'node-1',
    boundPods: () => [pod('a')],
    configuration: () => ({ port: 10250 }),
    get runningSince() {
      return running ? at : undefined;
    },
    capacity: { memory: '1Gi' },
  } as unknown as KubeletView;

  before(async () => {
    server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').searchParams.get('path') ?? '');
      void new KubeletApi({ kubelet, samples: () => [], now: () => at }, path).serve(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  const call = (method: string, path: string) =>
    new Promise<{ status: number; type?: string; location?: string; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, method, path: `/proxy?path=${encodeURIComponent(path)}` }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], location: res.headers.location, body }));
      })
        .on('error', reject)
        .end();
    });

  it('answers the kubelet\'s paths, and Go\'s and go-restful\'s refusals for the rest', async () => {
    assert.deepEqual(await call('GET', '/healthz'), { status: 200, type: 'text/plain; charset=utf-8', location: undefined, body: 'ok' });
    assert.equal((await call('GET', '/configz')).body, '{"kubeletconfig":{"port":10250}}\n');
    assert.equal(JSON.parse((await call('GET', '/pods')).body).items[0].metadata.name, 'a');
    assert.match((await call('GET', '/stats/summary')).body, /^\{\n {2}"node": \{\n {4}"nodeName": "node-1",/);
    assert.deepEqual(await call('GET', '/stats'), { status: 404, type: 'text/plain; charset=utf-8', location: undefined, body: '404 page not found\n' });
    assert.equal((await call('GET', '/')).status, 404);
    assert.equal((await call('POST', '/pods')).status, 405);
    assert.deepEqual(await call('HEAD', '/healthz'), { status: 200, type: 'text/plain; charset=utf-8', location: undefined, body: '' });
    const bare = await call('GET', '');
    assert.equal(bare.status, 301);
    assert.equal(bare.location, `/proxy/?path=`);
  });

  it('fails its health check once the kubelet stops', async () => {
    running = false;
    try {
      assert.equal((await call('GET', '/healthz')).status, 503);
    } finally {
      running = true;
    }
  });
});
