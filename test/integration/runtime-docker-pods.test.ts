// Pods on the real Docker engine: the sandbox owns the network and IPC
// namespaces, its containers join them, declared ports are published on
// 127.0.0.1, and everything carries the labels a restarted PodLab re-adopts by.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  LABEL_ATTEMPT,
  LABEL_CLUSTER,
  LABEL_CONTAINER_NAME,
  LABEL_CONTAINER_TYPE,
  LABEL_NODE,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  LABEL_SANDBOX_ID,
} from '../../main/runtime/runtime.ts';
import { inspectNodeContainer } from '../../main/runtime/docker/nodeContainers.ts';
import { NODE, createDockerFixture, eventually, leftovers, runPod, type DockerFixture } from './runtime-docker-fixture.ts';

describe('Docker runtime: pods', () => {
  let fixture: DockerFixture;
  before(async () => {
    fixture = await createDockerFixture();
  });
  after(async () => {
    await fixture?.cleanup();
  });

  test('a busybox httpd in the sandbox network namespace answers on the published 127.0.0.1 port', async () => {
    const sandbox = fixture.pod('web', { portMappings: [{ containerPort: 80 }] });
    const { sandboxId } = await runPod(fixture, sandbox, [
      fixture.shell('httpd', 'echo "hello from podlab" > /var/www/index.html && exec httpd -f -p 80 -h /var/www'),
    ]);
    const status = await fixture.runtime.podSandboxStatus(sandboxId);
    assert.equal(status.state, 'ready');
    assert.equal(status.ports.length, 1);
    const [port] = status.ports;
    assert.equal(port!.hostIp, '127.0.0.1');
    assert.equal(port!.containerPort, 80);
    assert.ok(port!.hostPort > 0);

    const body = await eventually('httpd to answer', async () => {
      try {
        return await (await fetch(`http://127.0.0.1:${port!.hostPort}/`)).text();
      } catch {
        return undefined;
      }
    });
    assert.equal(body, 'hello from podlab\n');
  });

  test('the pod IP is the sandbox address on the cluster network, from the pod range', async () => {
    const { sandboxId } = await runPod(fixture, fixture.pod('addressed'), []);
    const status = await fixture.runtime.podSandboxStatus(sandboxId);
    assert.ok(status.ip, 'the sandbox has an IP');
    const [rangeBase, rangeBits] = fixture.network.podRange.split('/');
    const toNumber = (ip: string) => ip.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
    const size = 2 ** (32 - Number(rangeBits));
    assert.ok(toNumber(status.ip!) >= toNumber(rangeBase!) && toNumber(status.ip!) < toNumber(rangeBase!) + size, `${status.ip} in ${fixture.network.podRange}`);
  });

  test('two containers of one pod share the network (localhost) and IPC (/dev/shm) namespaces', async () => {
    const { containerIds } = await runPod(fixture, fixture.pod('pair'), [
      fixture.shell('server', 'echo shared-memory > /dev/shm/marker && echo ok > /tmp/index.html && exec httpd -f -p 8080 -h /tmp'),
      fixture.shell('client', 'exec sleep 3600'),
    ]);
    const client = containerIds[1]!;
    const fetched = await eventually('the client to reach the server on localhost', async () => {
      const result = await fixture.runtime.execSync(client, ['wget', '-qO-', 'http://127.0.0.1:8080/index.html'], 5000);
      return result.exitCode === 0 ? result.stdout : undefined;
    });
    assert.equal(fetched, 'ok\n');
    const shm = await fixture.runtime.execSync(client, ['cat', '/dev/shm/marker'], 5000);
    assert.deepEqual(shm, { exitCode: 0, stdout: 'shared-memory\n', stderr: '' });
  });

  test('with a shared process namespace, containers see each other and pause is PID 1', async () => {
    const sandbox = fixture.pod('shared-pid', { namespaces: { pid: 'pod' } });
    const { containerIds } = await runPod(fixture, sandbox, [fixture.shell('a', 'exec sleep 3601'), fixture.shell('b', 'exec sleep 3602')]);
    const ps = await eventually('both sleeps to be visible', async () => {
      const result = await fixture.runtime.execSync(containerIds[1]!, ['ps', '-o', 'pid,args'], 5000);
      return result.stdout.includes('sleep 3601') && result.stdout.includes('sleep 3602') ? result.stdout : undefined;
    });
    assert.match(ps, /^\s*1\s+\/pause\s*$/m);
  });

  test('a hostNetwork pod shares the node container network namespace and reports the node IP', async () => {
    const sandbox = fixture.pod('host-net', { namespaces: { network: 'node' } });
    const { sandboxId, containerIds } = await runPod(fixture, sandbox, [fixture.shell('main', 'exec sleep 3600')]);
    const node = await inspectNodeContainer(fixture.docker, fixture.cluster, NODE);
    const status = await fixture.runtime.podSandboxStatus(sandboxId);
    assert.equal(status.namespaces.network, 'node');
    assert.equal(status.ip, node?.ip);
    const hostname = await fixture.runtime.execSync(containerIds[0]!, ['hostname'], 5000);
    assert.equal(hostname.stdout.trim(), NODE);
  });

  test('DNS config lands in the pod resolv.conf', async () => {
    const sandbox = fixture.pod('dns', {
      dns: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] },
    });
    const { containerIds } = await runPod(fixture, sandbox, [fixture.shell('main', 'exec sleep 3600')]);
    const resolv = (await fixture.runtime.execSync(containerIds[0]!, ['cat', '/etc/resolv.conf'], 5000)).stdout;
    assert.match(resolv, /^search default\.svc\.cluster\.local svc\.cluster\.local cluster\.local$/m);
    assert.match(resolv, /^options .*ndots:5/m);
  });

  test('sandbox and containers carry the Kubernetes and PodLab labels; annotations round-trip', async () => {
    const sandbox = fixture.pod('labeled', { labels: { app: 'labeled' }, annotations: { 'example.com/note': 'kept' } });
    const { sandboxId, containerIds } = await runPod(fixture, sandbox, [
      fixture.shell('main', 'exec sleep 3600', { metadata: { name: 'main', attempt: 2 }, annotations: { 'io.kubernetes.container.restartCount': '2' } }),
    ]);
    const sandboxLabels = (await fixture.docker.getContainer(sandboxId).inspect()).Config.Labels;
    assert.deepEqual(
      {
        name: sandboxLabels[LABEL_POD_NAME],
        namespace: sandboxLabels[LABEL_POD_NAMESPACE],
        uid: sandboxLabels[LABEL_POD_UID],
        container: sandboxLabels[LABEL_CONTAINER_NAME],
        type: sandboxLabels[LABEL_CONTAINER_TYPE],
        cluster: sandboxLabels[LABEL_CLUSTER],
        node: sandboxLabels[LABEL_NODE],
        attempt: sandboxLabels[LABEL_ATTEMPT],
        app: sandboxLabels.app,
        test: sandboxLabels['podlab.test'],
      },
      { name: 'labeled', namespace: 'default', uid: sandbox.metadata.uid, container: 'POD', type: 'podsandbox', cluster: fixture.cluster, node: NODE, attempt: '0', app: 'labeled', test: '1' },
    );
    const container = await fixture.docker.getContainer(containerIds[0]!).inspect();
    assert.equal(container.Name, `/k8s_main_labeled_default_${sandbox.metadata.uid}_2`);
    assert.equal(container.Config.Labels[LABEL_CONTAINER_NAME], 'main');
    assert.equal(container.Config.Labels[LABEL_CONTAINER_TYPE], 'container');
    assert.equal(container.Config.Labels[LABEL_SANDBOX_ID], sandboxId);
    assert.equal(container.Config.Labels[LABEL_ATTEMPT], '2');
    assert.equal(container.HostConfig.NetworkMode, `container:${sandboxId}`);
    assert.equal(container.HostConfig.IpcMode, `container:${sandboxId}`);

    const [listed] = await fixture.runtime.listPodSandboxes({ labels: { app: 'labeled' } });
    assert.equal(listed?.id, sandboxId);
    assert.deepEqual(listed?.annotations, { 'example.com/note': 'kept' });
    const status = await fixture.runtime.containerStatus(containerIds[0]!);
    assert.deepEqual(status.pod, { name: 'labeled', namespace: 'default', uid: sandbox.metadata.uid });
    assert.deepEqual(status.metadata, { name: 'main', attempt: 2 });
    assert.deepEqual(status.annotations, { 'io.kubernetes.container.restartCount': '2' });
  });

  test('lists are scoped to the node and filter by sandbox, state and labels', async () => {
    const { sandboxId, containerIds } = await runPod(fixture, fixture.pod('listed'), [
      fixture.shell('done', 'true'),
      fixture.shell('runs', 'exec sleep 3600'),
    ]);
    await eventually('the first container to exit', async () =>
      (await fixture.runtime.containerStatus(containerIds[0]!)).state === 'exited' ? true : undefined,
    );
    const inPod = await fixture.runtime.listContainers({ sandboxId });
    assert.deepEqual(inPod.map((c) => c.id).sort(), [...containerIds].sort());
    const running = await fixture.runtime.listContainers({ sandboxId, state: 'running' });
    assert.deepEqual(running.map((c) => c.metadata.name), ['runs']);

    // Another node's runtime on the same engine sees none of it.
    const { DockerRuntime } = await import('../../main/runtime/docker/dockerRuntime.ts');
    const otherNode = new DockerRuntime({ cluster: fixture.cluster, node: 'node-2', docker: fixture.docker });
    assert.deepEqual(await otherNode.listContainers({ sandboxId }), []);
    assert.deepEqual(await otherNode.listPodSandboxes(), []);
    await assert.rejects(otherNode.podSandboxStatus(sandboxId), { name: 'NotFoundError' });
  });

  test('stopPodSandbox stops what still runs; removePodSandbox removes it all; both are idempotent', async () => {
    const { sandboxId, containerIds } = await runPod(fixture, fixture.pod('teardown'), [fixture.shell('main', 'exec sleep 3600')]);
    await fixture.runtime.stopPodSandbox(sandboxId);
    assert.equal((await fixture.runtime.podSandboxStatus(sandboxId)).state, 'notready');
    assert.equal((await fixture.runtime.podSandboxStatus(sandboxId)).ip, undefined);
    assert.equal((await fixture.runtime.containerStatus(containerIds[0]!)).state, 'exited');
    await fixture.runtime.stopPodSandbox(sandboxId);
    await fixture.runtime.removePodSandbox(sandboxId);
    await fixture.runtime.removePodSandbox(sandboxId);
    await assert.rejects(fixture.runtime.podSandboxStatus(sandboxId), { name: 'NotFoundError' });
    await assert.rejects(fixture.runtime.containerStatus(containerIds[0]!), { name: 'NotFoundError' });
  });

  test('cleanup leaves nothing of the cluster on the engine', async () => {
    const { cluster, docker } = fixture;
    await runPod(fixture, fixture.pod('leftover'), [fixture.shell('main', 'exec sleep 3600')]);
    await fixture.runtime.createVolume({ name: `${cluster}-scratch`, labels: { 'podlab.test': '1' } });
    assert.ok((await leftovers(docker, cluster)).length > 0);
    await fixture.cleanup();
    assert.deepEqual(await leftovers(docker, cluster), []);
  });
});
