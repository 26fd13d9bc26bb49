// Acting on a running cluster's nodes from its own process (what the UI's
// Cluster view does), and deleting a stopped cluster, on the real Docker
// engine: node containers appear, stop and go; the kubelets and Node objects
// follow; a deleted cluster leaves nothing on the engine nor on disk.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import type { KubeObject } from '../../main/kube/meta.ts';
import { Cluster } from '../../main/cluster/cluster.ts';
import { ClusterBusyError, deleteCluster } from '../../main/cluster/deleteCluster.ts';
import { NodeActionError } from '../../main/cluster/nodes/nodeControl.ts';
import { LABEL_CLUSTER } from '../../main/runtime/runtime.ts';
import { freeSubnet, removeClusterObjects } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';

const docker = new Docker();
const name = `nc-${randomBytes(3).toString('hex')}`;
const dataDir = join(mkdtempSync(join(tmpdir(), 'podlab-nodectl-')), name);
let cluster: Cluster | undefined;

type NodeObject = KubeObject & { status?: { capacity?: Record<string, string>; conditions?: Array<{ type: string; status: string }> } };

const nodes = () => cluster!.client('test').resource<NodeObject>({ group: '', version: 'v1', plural: 'nodes' });
const ready = (node: NodeObject | undefined) => node?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
const engineObjects = async () => {
  const filters = JSON.stringify({ label: [`${LABEL_CLUSTER}=${name}`] });
  const containers = await docker.listContainers({ all: true, filters });
  const networks = (await docker.listNetworks()).filter((n) => n.Name === `podlab-${name}`);
  return { containers: containers.length, networks: networks.length };
};

before(async () => {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
  cluster = await Cluster.start({ name, dataDir, nodes: 1, runtime: 'docker' });
});

after(async () => {
  await cluster?.stop().catch(() => undefined);
  await removeClusterObjects(name);
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

test('a node added from the process registers Ready with the capacity asked for', async () => {
  await (await cluster!.whenNodesStarted()).addNode('node-2', { cpu: '1', memory: '512Mi', pods: 20 });
  const machines = await (await cluster!.whenNodesStarted()).machines();
  assert.deepEqual(
    machines.map((m) => [m.name, m.state, m.controlPlane, m.container]),
    [
      ['node-1', 'running', true, `podlab-${name}-node-1`],
      ['node-2', 'running', false, `podlab-${name}-node-2`],
    ],
  );
  const node = await eventually('node-2 Ready', async () => {
    const n = await nodes().get(undefined, 'node-2');
    return ready(n) ? n : undefined;
  });
  assert.deepEqual([node.status?.capacity?.cpu, node.status?.capacity?.memory, node.status?.capacity?.pods], ['1', '512Mi', '20']);
  await assert.rejects((await cluster!.whenNodesStarted()).addNode('node-2', {}), (e: unknown) => e instanceof NodeActionError && e.reason === 'AlreadyExists');
});

test('a stopped node: its container stops and its kubelet with it; started again it is Ready', async () => {
  await (await cluster!.whenNodesStarted()).stopNode('node-2');
  const container = await docker.getContainer(`podlab-${name}-node-2`).inspect();
  assert.equal(container.State.Running, false);
  assert.equal((await (await cluster!.whenNodesStarted()).machines()).find((m) => m.name === 'node-2')?.state, 'stopped');
  // The Node object stays (NotReady once the grace period passes), as when a machine is switched off.
  assert.ok(await nodes().get(undefined, 'node-2'));
  await (await cluster!.whenNodesStarted()).startNode('node-2');
  await eventually('node-2 Ready again', async () => ready(await nodes().get(undefined, 'node-2')));
});

test('a removed node: its container and Node object go', async () => {
  await (await cluster!.whenNodesStarted()).removeNode('node-2');
  await assert.rejects(docker.getContainer(`podlab-${name}-node-2`).inspect(), /no such container/i);
  await eventually('the Node object gone', async () => !(await nodes().list()).items.some((n) => n.metadata.name === 'node-2'));
  await assert.rejects((await cluster!.whenNodesStarted()).stopNode('node-2'), (e: unknown) => e instanceof NodeActionError && e.reason === 'NotFound');
});

test('a running cluster cannot be deleted; once stopped, deleting it leaves nothing behind', async () => {
  await assert.rejects(deleteCluster({ name, dataDir, docker }), ClusterBusyError);
  assert.ok((await engineObjects()).containers > 0);
  await cluster!.stop();
  cluster = undefined;
  await deleteCluster({ name, dataDir, docker, kubeconfig: join(dataDir, '..', 'no-kubeconfig') });
  assert.deepEqual(await engineObjects(), { containers: 0, networks: 0 });
  assert.equal(existsSync(dataDir), false);
});
