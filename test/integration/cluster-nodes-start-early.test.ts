// A new cluster's node manager starts while the start itself makes the node
// containers (cluster.ts), on the real Docker engine: meanwhile it asks the
// engine for its facts and version, makes no container of its own, and
// registers the nodes once the start's containers run. When the start's
// making failed, the manager makes them itself.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Docker from 'dockerode';
import type { KubeObject } from '../../main/kube/meta.ts';
import { Cluster } from '../../main/cluster/cluster.ts';
import { addInitialNodes } from '../../main/cluster/nodes/dockerNodes.ts';
import { NodeManager } from '../../main/cluster/nodes/nodeManager.ts';
import { LABEL_CLUSTER } from '../../main/runtime/runtime.ts';
import { freeSubnet, removeClusterObjects } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';
import { recordingDocker } from '../helpers/recordingDocker.ts';

type NodeObject = KubeObject & { status?: { conditions?: Array<{ type: string; status: string }> } };

const home = mkdtempSync(join(tmpdir(), 'podlab-nodes-early-'));
const clusters: string[] = [];
let api: InProcessApi;

before(async () => {
  api = await startInProcessApi();
});

after(async () => {
  for (const cluster of clusters) await removeClusterObjects(cluster);
  await api?.close();
  rmSync(home, { recursive: true, force: true });
});

function newCluster(): string {
  const cluster = `early-${randomBytes(3).toString('hex')}`;
  clusters.push(cluster);
  return cluster;
}

async function containersOf(docker: Docker, cluster: string): Promise<number> {
  return (await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL_CLUSTER}=${cluster}`] }) })).length;
}

async function readyNodes(): Promise<string[]> {
  const list = await api.client.resource<NodeObject>({ group: '', version: 'v1', plural: 'nodes' }).list();
  return list.items
    .filter((node) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((node) => node.metadata.name!)
    .sort();
}

function manager(cluster: string, subnet: string, docker: Docker, made: Promise<unknown>): NodeManager {
  return new NodeManager({ cluster, dataDir: join(home, cluster), runtime: 'docker', nodes: 2, subnet, docker, clientFor: () => api.client, networkMade: made, initialNodesMade: made });
}

test("the manager learns the engine's facts while the start makes the node containers, then registers them", async () => {
  const cluster = newCluster();
  const subnet = await freeSubnet();
  const { docker, asked } = recordingDocker();
  let makeThem!: () => void;
  const made = new Promise<void>((resolve) => (makeThem = resolve)).then(() => addInitialNodes(new Docker(), { cluster, subnet, nodes: 2 }));
  const nodes = manager(cluster, subnet, docker, made);
  const started = nodes.start();
  try {
    await eventually('the facts and the version asked for', async () => asked.some((path) => path.endsWith('/info')) && asked.some((path) => path.endsWith('/version')));
    assert.equal(await containersOf(docker, cluster), 0, 'the manager made no node container of its own');
    assert.ok(!asked.some((path) => path.includes('/containers/create') || path.includes('/networks/create')), asked.join(' '));
    makeThem();
    await started;
    assert.deepEqual(await eventually('both nodes Ready', async () => ((await readyNodes()).length >= 2 ? readyNodes() : undefined)), ['node-1', 'node-2']);
    assert.ok(!asked.some((path) => path.includes('/containers/create') || path.includes('/networks/create')), 'still none: the start made them');
  } finally {
    makeThem();
    await nodes.stop();
    await removeClusterObjects(cluster);
    for (const name of ['node-1', 'node-2']) await api.client.resource({ group: '', version: 'v1', plural: 'nodes' }).delete(undefined, name).catch(() => undefined);
  }
});

test("when the start's making failed, the manager makes the network and the nodes itself", async () => {
  const cluster = newCluster();
  const subnet = await freeSubnet();
  const { docker, asked } = recordingDocker();
  const failed = Promise.reject(new Error('the engine hung up'));
  failed.catch(() => undefined);
  const nodes = manager(cluster, subnet, docker, failed);
  try {
    await nodes.start();
    assert.equal(await containersOf(docker, cluster), 2);
    assert.ok(asked.some((path) => path.includes('/networks/create')), asked.join(' '));
    assert.deepEqual(await eventually('both nodes Ready', async () => ((await readyNodes()).length >= 2 ? readyNodes() : undefined)), ['node-1', 'node-2']);
  } finally {
    await nodes.stop();
    await removeClusterObjects(cluster);
  }
});

test('a new cluster whose network cannot be made fails to start and leaves no node container behind', async () => {
  const cluster = newCluster();
  const subnet = await freeSubnet();
  let other = await freeSubnet();
  while (other === subnet) other = await freeSubnet();
  const docker = new Docker();
  // The cluster's network name, taken with another subnet (as by a cluster of that name deleted by hand and made again).
  await docker.createNetwork({ Name: `podlab-${cluster}`, Driver: 'bridge', IPAM: { Config: [{ Subnet: other }] }, Labels: { [LABEL_CLUSTER]: cluster } });
  const dataDir = join(home, cluster);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet }));
  try {
    await assert.rejects(Cluster.start({ name: cluster, dataDir, nodes: 2, runtime: 'docker' }), { name: 'ConflictError', message: /already exists with subnet/ });
    assert.equal(await containersOf(docker, cluster), 0);
  } finally {
    await removeClusterObjects(cluster);
  }
});
