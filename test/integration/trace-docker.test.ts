// A pod's journey on the real Docker engine, through a whole cluster in this
// process: the sandbox span's pod IP is the pause container's address on the
// cluster network, the image span carries the size the engine reports, the
// readiness probe's runs lead up to Ready, and the service proxy (the
// cluster add-on) takes the pod's address in. A pull from a registry that
// is not there fails in the engine's words, and its back-off counts on one
// span. Everything the cluster creates is removed at the end.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Docker from 'dockerode';
import type { PodTrace, TraceSpan } from '../../preload/api.ts';
import { Cluster } from '../../main/cluster/cluster.ts';
import type { Pod } from '../../main/kubelet/types.ts';
import { freeSubnet, removeClusterObjects } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';

const docker = new Docker();
const cluster = `tr-${randomBytes(3).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'podlab-trace-'));
let running: Cluster;

const pods = () => running.client('test').resource<Pod>({ group: '', version: 'v1', plural: 'pods' });
const traceOf = (pod: Pod): PodTrace | undefined => running.apiServer.journeys.trace('default', pod.metadata.name!, pod.metadata.uid);

function only(trace: PodTrace, name: string): TraceSpan {
  const found = trace.spans.filter((s) => s.name === name);
  assert.equal(found.length, 1, `one span ${name} in ${trace.spans.map((s) => s.name).join(', ')}`);
  return found[0]!;
}

describe('pod journeys on Docker', () => {
  before(async () => {
    writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
    running = await Cluster.start({ name: cluster, dataDir, runtime: 'docker', nodes: 1 });
  });

  after(async () => {
    await running?.stop();
    await removeClusterObjects(cluster);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the sandbox, the pod IP, the image, the containers, the probes until Ready, and the service proxy taking the pod in', async () => {
    await running.client('test').resource({ group: '', version: 'v1', plural: 'services' }).create('default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
    await pods().create('default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'httpd',
            image: 'busybox:1.36',
            // Ready only once /www/ready exists: the probe fails first, then passes.
            command: ['sh', '-c', "mkdir -p /www; (sleep 2; echo ok > /www/ready) & trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait"],
            ports: [{ containerPort: 8080 }],
            readinessProbe: { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      },
    } as Pod);
    const pod = await eventually('web Ready', async () => {
      const p = await pods().get('default', 'web');
      return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
    }, 120_000);
    const trace = await eventually('the service proxy took web in', async () => {
      const t = traceOf(pod);
      return t?.spans.some((s) => s.component === 'kube-proxy') ? t : undefined;
    }, 60_000);

    // The pod IP the network step gave is the pause container's address on the cluster network.
    const [pause] = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`io.kubernetes.pod.uid=${pod.metadata.uid}`, 'io.kubernetes.docker.type=podsandbox'] }) });
    const pauseIp = Object.values((await docker.getContainer(pause!.Id).inspect()).NetworkSettings.Networks)[0]!.IPAddress;
    const sandbox = only(trace, 'create sandbox');
    assert.equal(sandbox.status, 'ok');
    assert.equal(sandbox.attributes.sandbox, pause!.Id.slice(0, 12));
    const network = only(trace, 'pod network');
    assert.equal(network.attributes.ip, pauseIp);
    assert.equal(pod.status?.podIP, pauseIp);
    assert.ok(network.startMs >= sandbox.endMs, 'the IP is read once the sandbox runs');

    // busybox:1.36 is on the engine already: the span says so, with the size the engine reports.
    const image = only(trace, 'image busybox:1.36');
    assert.equal(image.attributes.present, true);
    assert.equal(image.attributes.bytes, (await docker.getImage('busybox:1.36').inspect()).Size);
    const app = pod.status!.containerStatuses![0]!;
    assert.equal(only(trace, 'create container httpd').attributes.containerId, app.containerID!.replace('docker://', '').slice(0, 12));
    only(trace, 'start container httpd');

    // The readiness probe failed while the app was not ready, then passed; Ready follows.
    const probes = trace.spans.filter((s) => s.name === 'probe readiness httpd');
    assert.equal(probes[0]!.status, 'error');
    const passed = probes.find((s) => s.status === 'ok');
    assert.ok(passed, `a passing probe among ${probes.map((p) => p.status).join(', ')}`);
    const readyWrite = trace.spans.find((s) => s.step === 'status' && s.attributes.ready === 'True')!;
    assert.ok(readyWrite.startMs >= passed.startMs, 'the Ready status comes after the probe passed');

    const proxy = trace.spans.find((s) => s.component === 'kube-proxy')!;
    assert.equal(proxy.step, 'service');
    assert.equal(proxy.attributes.endpoint, pauseIp);
    assert.equal(proxy.attributes.service, 'default/web');
    assert.equal(typeof proxy.attributes.generation, 'number');
    assert.ok(proxy.startMs >= readyWrite.startMs, 'the proxy takes the pod in once it is Ready');
  });

  test('a pull from a registry that is not there fails in the engine\'s words, its back-off on one span', async () => {
    // Port 9 (discard) on this machine: nothing answers, and nothing leaves it.
    const image = '127.0.0.1:9/podlab/missing:1';
    await pods().create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'missing' }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image, imagePullPolicy: 'Always' }] } } as Pod);
    const pod = await pods().get('default', 'missing');
    const trace = await eventually('a pull failed and backed off', async () => {
      const t = traceOf(pod);
      return t?.spans.some((s) => s.name === `pull back-off ${image}`) ? t : undefined;
    }, 120_000);
    const pull = trace.spans.find((s) => s.name === `pull ${image}`)!;
    assert.equal(pull.status, 'error');
    assert.equal(pull.attributes.reason, 'ErrImagePull');
    assert.match(pull.message!, /127\.0\.0\.1:9/);
    const backoffs = trace.spans.filter((s) => s.name === `pull back-off ${image}`);
    assert.equal(backoffs.length, 1, 'the back-off repeats on one span');
    await pods().delete('default', 'missing');
  });
});
