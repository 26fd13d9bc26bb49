// The Probes tab's data: every declared probe with the runs the pod's kubelet
// keeps, each new run pushed for that pod only, and no store write for any of it.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ProbeHistory } from '../../main/kubelet/probes/probeHistory.ts';
import { declaredProbes, podProbeHistory, ProbeFollows, type ProbeHistoryReader } from '../../main/ui/probeHistory.ts';
import type { KubeObject, ProbeEvent } from '../../preload/api.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
});
after(() => api.close());

const pods = { group: '', version: 'v1', plural: 'pods' };
const httpProbe = { httpGet: { path: '/', port: 8080 } };

function kubeletHistory(): { history: ProbeHistory; reader: ProbeHistoryReader } {
  const history = new ProbeHistory(3);
  return { history, reader: { history: (uid, container, kind) => history.list(uid, container, kind), subscribe: (listener) => history.subscribe(listener) } };
}

async function createPod(name: string, nodeName?: string): Promise<KubeObject> {
  return api.client.resource(pods).create('default', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      initContainers: [
        { name: 'setup', image: 'busybox:1.36' },
        { name: 'proxy', image: 'busybox:1.36', restartPolicy: 'Always', livenessProbe: httpProbe },
      ],
      containers: [
        { name: 'web', image: 'busybox:1.36', readinessProbe: httpProbe, livenessProbe: { tcpSocket: { port: 8080 } } },
        { name: 'quiet', image: 'busybox:1.36' },
      ],
    },
  });
}

const run = (time: number, outcome: 'success' | 'failure' | 'error') => ({ time, containerId: 'c1', outcome, latencyMs: 2, message: outcome === 'success' ? '' : 'HTTP probe failed with statuscode: 503' });

test('the declared probes are those the kubelet runs: of containers and of sidecars (restartable init containers)', async () => {
  const pod = await createPod('declared');
  assert.deepEqual(declaredProbes(pod), [
    { container: 'proxy', kind: 'liveness' },
    { container: 'web', kind: 'liveness' },
    { container: 'web', kind: 'readiness' },
  ]);
});

test('a pod on no node, or on a node whose kubelet is not here, has its probes listed without runs and says why', async () => {
  const unscheduled = await podProbeHistory(api.client, () => kubeletHistory().reader, 'default', (await createPod('pending')).metadata.name!);
  assert.equal(unscheduled.available, false);
  assert.match(unscheduled.message ?? '', /not on a node yet/);
  assert.equal(unscheduled.probes.length, 3);
  assert.ok(unscheduled.probes.every((p) => p.runs.length === 0));

  await createPod('orphaned', 'node-9');
  const gone = await podProbeHistory(api.client, () => undefined, 'default', 'orphaned');
  assert.match(gone.message ?? '', /kubelet of node node-9 is not running/);
  const elsewhere = await podProbeHistory(api.client, undefined, 'default', 'orphaned');
  assert.match(elsewhere.message ?? '', /kubelets are not PodLab's, so what follows is from their Unhealthy and Killing events: coarser than PodLab's own probe history/);
  assert.equal(elsewhere.fromEvents, true);
  assert.equal(gone.fromEvents, undefined);
});

test('the history, then each new run of that pod only, without writing to the store', async () => {
  const pod = await createPod('probed', 'node-1');
  const uid = pod.metadata.uid!;
  const { history, reader } = kubeletHistory();
  history.add(uid, 'web', 'readiness', run(1000, 'failure'));
  history.add(uid, 'web', 'readiness', run(2000, 'success'));
  const revision = await api.store.currentRevision();

  const read = await podProbeHistory(api.client, (node) => (node === 'node-1' ? reader : undefined), 'default', 'probed');
  assert.equal(read.available, true);
  assert.deepEqual(read.probes.find((p) => p.container === 'web' && p.kind === 'readiness')?.runs, [run(1000, 'failure'), run(2000, 'success')]);

  const events: ProbeEvent[] = [];
  const follows = new ProbeFollows((e) => events.push(e));
  const { followId, history: initial } = await follows.start(api.client, () => reader, 'default', 'probed');
  assert.equal(initial.probes.find((p) => p.kind === 'readiness')?.runs.length, 2);
  history.add(uid, 'web', 'liveness', run(3000, 'error'));
  history.add('another-pod', 'web', 'liveness', run(3000, 'success'));
  assert.deepEqual(events, [{ followId, container: 'web', kind: 'liveness', run: run(3000, 'error') }]);

  follows.stop(followId);
  history.add(uid, 'web', 'liveness', run(4000, 'success'));
  assert.equal(events.length, 1, 'nothing after unfollow');
  assert.equal(await api.store.currentRevision(), revision, 'reading and following probe runs writes nothing');
});
