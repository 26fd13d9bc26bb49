// The cluster network and node containers on the real Docker engine: pods
// reach each other by pod IP, an address from the Service range held as a
// /32 is reachable from neighbors, node containers start, stop and go.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clusterNetworkName, ensureClusterNetwork, findClusterNetwork, removeClusterNetwork } from '../../main/network/clusterNetwork.ts';
import {
  createNodeContainer,
  inspectNodeContainer,
  listNodeContainers,
  nodeContainerName,
  removeNodeContainer,
  startNodeContainer,
  stopNodeContainer,
} from '../../main/runtime/docker/nodeContainers.ts';
import { NODE, TEST_LABELS, createDockerFixture, eventually, runPod, type DockerFixture } from './runtime-docker-fixture.ts';

describe('Docker cluster network and node containers', () => {
  let fixture: DockerFixture;
  before(async () => {
    fixture = await createDockerFixture();
  });
  after(async () => {
    await fixture?.cleanup();
  });

  test('the network is labeled, keeps the Service half out of its ip-range, and ensure is idempotent', async () => {
    const info = await fixture.docker.getNetwork(fixture.network.id).inspect();
    assert.equal(info.Name, clusterNetworkName(fixture.cluster));
    assert.equal(info.Labels?.['podlab.cluster'], fixture.cluster);
    assert.equal(info.Labels?.['podlab.test'], '1');
    assert.deepEqual(info.IPAM?.Config?.[0], { Subnet: fixture.network.subnet, IPRange: fixture.network.podRange, Gateway: fixture.network.gateway });
    const again = await ensureClusterNetwork(fixture.docker, { cluster: fixture.cluster, subnet: fixture.network.subnet });
    assert.equal(again.id, fixture.network.id);
    await assert.rejects(ensureClusterNetwork(fixture.docker, { cluster: fixture.cluster, subnet: '10.1.0.0/24' }), { name: 'ConflictError' });
  });

  test('the node container runs pause on the cluster network, with the node name as hostname', async () => {
    const node = await inspectNodeContainer(fixture.docker, fixture.cluster, NODE);
    assert.equal(node?.name, nodeContainerName(fixture.cluster, NODE));
    assert.equal(node?.running, true);
    assert.ok(node?.ip?.startsWith(fixture.network.subnet.split('.').slice(0, 3).join('.')));
    const info = await fixture.docker.getContainer(node!.id).inspect();
    assert.equal(info.Config.Hostname, NODE);
    assert.equal(info.HostConfig.IpcMode, 'shareable');
    assert.deepEqual([info.Config.Labels['podlab.node'], info.Config.Labels['podlab.role'], info.Config.Labels['podlab.test']], [NODE, 'node', '1']);
    assert.equal(await createNodeContainer(fixture.docker, { cluster: fixture.cluster, node: NODE }), node!.id, 'create is idempotent');
    assert.deepEqual((await listNodeContainers(fixture.docker, fixture.cluster)).map((n) => [n.node, n.running]), [[NODE, true]]);
  });

  test('a second node container stops, starts again and is removed; all idempotent', async () => {
    const cluster = fixture.cluster;
    await createNodeContainer(fixture.docker, { cluster, node: 'node-2', labels: TEST_LABELS });
    await startNodeContainer(fixture.docker, cluster, 'node-2');
    await startNodeContainer(fixture.docker, cluster, 'node-2');
    await stopNodeContainer(fixture.docker, cluster, 'node-2', 1);
    await stopNodeContainer(fixture.docker, cluster, 'node-2', 1);
    assert.equal((await inspectNodeContainer(fixture.docker, cluster, 'node-2'))?.running, false);
    await startNodeContainer(fixture.docker, cluster, 'node-2');
    assert.equal((await inspectNodeContainer(fixture.docker, cluster, 'node-2'))?.running, true);
    await removeNodeContainer(fixture.docker, cluster, 'node-2');
    await removeNodeContainer(fixture.docker, cluster, 'node-2');
    assert.equal(await inspectNodeContainer(fixture.docker, cluster, 'node-2'), undefined);
  });

  test("a same-named container that is not this cluster's node is refused, not adopted", async () => {
    const cluster = fixture.cluster;
    const name = nodeContainerName(cluster, 'node-3');
    // Someone else's container under the name the node would take (labeled for cleanup only).
    await fixture.docker.createContainer({ name, Image: 'registry.k8s.io/pause:3.10', Labels: { ...TEST_LABELS, 'podlab.cluster': cluster } });
    try {
      await assert.rejects(createNodeContainer(fixture.docker, { cluster, node: 'node-3', labels: TEST_LABELS }), { name: 'NotFoundError', message: /exists but is not PodLab's node container/ });
    } finally {
      await fixture.docker.getContainer(name).remove({ force: true });
    }
  });

  test('pods reach each other by pod IP over the cluster network', async () => {
    const server = await runPod(fixture, fixture.pod('server'), [fixture.shell('httpd', 'echo by-pod-ip > /var/www/index.html && exec httpd -f -p 8080 -h /var/www')]);
    const client = await runPod(fixture, fixture.pod('client'), [fixture.shell('main', 'exec sleep 3600')]);
    const ip = (await fixture.runtime.podSandboxStatus(server.sandboxId)).ip!;
    const body = await eventually('the server to answer by pod IP', async () => {
      const result = await fixture.runtime.execSync(client.containerIds[0]!, ['wget', '-qO-', `http://${ip}:8080/`], 5000);
      return result.exitCode === 0 ? result.stdout : undefined;
    });
    assert.equal(body, 'by-pod-ip\n');
  });

  test('an address from the Service range held as a /32 by one container is reachable from its neighbors', async () => {
    const [base] = fixture.network.serviceRange.split('/');
    const octets = base!.split('.').map(Number);
    const serviceIp = [...octets.slice(0, 3), octets[3]! + 10].join('.');
    await runPod(fixture, fixture.pod('addon'), [
      fixture.shell('proxy', `ip addr add ${serviceIp}/32 dev eth0 && echo via-service-ip > /var/www/index.html && exec httpd -f -p 80 -h /var/www`, {
        securityContext: { capabilities: { add: ['NET_ADMIN'] } },
      }),
    ]);
    const client = await runPod(fixture, fixture.pod('service-client'), [fixture.shell('main', 'exec sleep 3600')]);
    const body = await eventually('the /32 to answer', async () => {
      const result = await fixture.runtime.execSync(client.containerIds[0]!, ['wget', '-qO-', `http://${serviceIp}/`], 5000);
      return result.exitCode === 0 ? result.stdout : undefined;
    });
    assert.equal(body, 'via-service-ip\n');
  });

  test('the network cannot be removed while containers use it; afterwards removal is idempotent', async () => {
    await assert.rejects(removeClusterNetwork(fixture.docker, fixture.cluster), /active endpoints/);
    await fixture.cleanup();
    assert.equal(await findClusterNetwork(fixture.docker, fixture.cluster), undefined);
    await removeClusterNetwork(fixture.docker, fixture.cluster);
  });
});
