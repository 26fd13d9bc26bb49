// Port forwarding on the real Docker engine: to a pod (a declared port and one
// it does not declare), to a Service's named targetPort, to a Deployment that
// keeps working when its pod is replaced, and the `podlab port-forward`
// command against the cluster's API over HTTPS.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startPortForward, type PortForward } from '../../main/network/portforward/portForward.ts';
import { createNetworkFixture, eventually, type NetworkFixture } from './network-fixture.ts';

const CLI = fileURLToPath(new URL('../../main/cli/index.ts', import.meta.url));
const APP = { app: 'demo' };

describe('port forwarding', () => {
  let fixture: NetworkFixture;
  const forwards: PortForward[] = [];
  const forward = async (target: string, ports: string) => {
    const started = await startPortForward(fixture.cluster, target, ports, { onError: (error) => console.error(`port-forward ${target}: ${error.message}`) });
    forwards.push(started);
    return started;
  };

  before(async () => {
    fixture = await createNetworkFixture();
  });
  after(async () => {
    await Promise.all(forwards.map((f) => f.stop()));
    await fixture?.cleanup();
  });

  test('to a pod: a declared port, and a port the pod does not declare', async () => {
    const pod = await fixture.runWebPod('pf-pod', { body: 'pod-body' });
    await fixture.putPodObject(pod, { ready: true });
    const declared = await forward('pod/pf-pod', ':80');
    assert.equal(await get(declared.localPort), 'pod-body\n');

    const hidden = await fixture.runWebPod('pf-hidden', { body: 'hidden-body', port: 8081, declare: false });
    await fixture.putPodObject(hidden, { ready: true, port: 8081 });
    const undeclared = await forward('pf-hidden', ':8081');
    assert.equal(await get(undeclared.localPort), 'hidden-body\n');
  });

  test('an unknown pod or port fails before anything listens', async () => {
    await assert.rejects(() => forward('pod/nobody', ':80'), /pods "nobody" not found in namespace "default"/);
    await assert.rejects(() => forward('deploy/nothing', ':80'), /deployments "nothing" not found/);
    await assert.rejects(() => forward('pod/pf-pod', 'web'), /named port needs a local port/);
  });

  test('to a Deployment: a replaced pod is followed to its replacement', async () => {
    await fixture.client.resource({ group: 'apps', version: 'v1', plural: 'deployments' }).create('default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'demo', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: APP },
        template: { metadata: { labels: APP }, spec: { containers: [{ name: 'web', image: 'busybox:latest', ports: [{ name: 'http', containerPort: 80 }] }] } },
      },
    });
    const first = await fixture.runWebPod('demo-1', { body: 'first-pod' });
    await fixture.putPodObject(first, { ready: true, labels: APP });
    const forwarded = await forward('deploy/demo', '0:http');
    assert.equal(await get(forwarded.localPort), 'first-pod\n');

    // What the ReplicaSet controller and kubelet would do after `kubectl delete pod demo-1`.
    await fixture.client.resource({ group: '', version: 'v1', plural: 'pods' }).delete('default', 'demo-1', { gracePeriodSeconds: 0 });
    await fixture.removePod(first);
    const second = await fixture.runWebPod('demo-2', { body: 'second-pod' });
    await fixture.putPodObject(second, { ready: true, labels: APP });
    // The forward learns of the replacement from its watch; a connection made before that finds no pod.
    assert.equal(await eventually('the replacement answering', async () => (await get(forwarded.localPort).catch(() => undefined)) || undefined, 20_000), 'second-pod\n');
  });

  test('to a Service: its port goes to the named targetPort of a ready pod', async () => {
    await fixture.createService('demo-svc', { selector: APP, ports: [{ port: 8080, targetPort: 'http' }] });
    const forwarded = await forward('svc/demo-svc', ':8080');
    assert.equal(await get(forwarded.localPort), 'second-pod\n');
  });

  test('the podlab port-forward command forwards through the cluster API', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'port-forward', 'svc/demo-svc', ':8080', '--name', fixture.docker.cluster, '--data-dir', fixture.dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const port = await eventually('the Forwarding line', async () => output.match(/Forwarding from 127\.0\.0\.1:(\d+) -> 8080/)?.[1], 20_000);
      assert.equal(await get(Number(port)), 'second-pod\n');
      await eventually('the Handling line', async () => (output.includes(`Handling connection for ${port}`) ? true : undefined));
    } finally {
      child.kill('SIGINT');
    }
  });
});

async function get(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
  return response.text();
}
