// Nodes and kubelets the way users meet them: `podlab serve` as a child
// process, kubectl, and `podlab node ...` from another shell. A stopped node
// goes unreachable and its pods are evicted; a SIGKILLed `podlab serve`
// comes back and re-adopts the running containers, starting nothing twice
// and removing what belongs to no pod.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { emptyDirVolumeName } from '../../main/kubelet/volumeManager.ts';
import { DockerRuntime } from '../../main/runtime/docker/dockerRuntime.ts';
import { freeSubnet, removeClusterObjects } from '../helpers/dockerCluster.ts';
import { kubectl, kubectlOk } from '../helpers/kubectl.ts';
import { repoRoot, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';
import { eventually } from '../helpers/eventually.ts';

const docker = new Docker();
const cluster = `kls-${randomBytes(3).toString('hex')}`;
const dataDir = tempDir('kubelet-serve');
let serve: PodlabServe;

const serveArgs = ['--name', cluster, '--runtime', 'docker', '--nodes', '2'];

function podlab(args: string[]): Promise<string> {
  return promisify(execFile)(process.execPath, [join(repoRoot, 'bin', 'podlab.cjs'), ...args, '--name', cluster, '--data-dir', dataDir], { cwd: repoRoot }).then((r) => r.stdout);
}

interface Listed<T> {
  items: T[];
}
interface NodeJson {
  metadata: { name: string };
  spec?: { taints?: Array<{ key: string; effect: string }> };
  status: { conditions: Array<{ type: string; status: string; reason?: string; message?: string }>; capacity: Record<string, string> };
}
interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  spec: { nodeName: string };
  status: { phase: string; containerStatuses?: Array<{ containerID?: string; restartCount: number; ready: boolean }> };
}

const get = async <T>(args: string[]): Promise<T> => JSON.parse(await kubectlOk(serve.kubeconfig, ['get', ...args, '-o', 'json'])) as T;
const readyStatus = (node: NodeJson) => node.status.conditions.find((c) => c.type === 'Ready');
const podContainers = (uid: string) => docker.listContainers({ all: true, filters: JSON.stringify({ label: [`io.kubernetes.pod.uid=${uid}`] }) });

function podManifest(name: string, node: string, tolerationSeconds?: number): string {
  const tolerations =
    tolerationSeconds === undefined
      ? ''
      : `
  tolerations:
  - {key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: ${tolerationSeconds}}
  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: ${tolerationSeconds}}`;
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeName: ${node}
  terminationGracePeriodSeconds: 5${tolerations}
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]
`;
}

describe('podlab serve with Docker nodes', () => {
  before(async () => {
    writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
    serve = await startPodlab(serveArgs, dataDir);
  });

  after(async () => {
    await serve?.stop();
    await removeClusterObjects(cluster);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('kubectl sees two Ready nodes and pods Running on them', async () => {
    await eventually('two Ready nodes', async () => {
      const out = await kubectlOk(serve.kubeconfig, ['get', 'nodes']);
      return /node-1\s+Ready\s+control-plane/.test(out) && /node-2\s+Ready\s+<none>/.test(out);
    });
    await kubectlOk(serve.kubeconfig, ['apply', '-f', '-'], podManifest('survivor', 'node-1'));
    await kubectlOk(serve.kubeconfig, ['apply', '-f', '-'], podManifest('evictee', 'node-2', 2));
    await eventually('both pods Running', async () => {
      const out = await kubectlOk(serve.kubeconfig, ['get', 'pods', '-o', 'wide']);
      return /survivor\s+1\/1\s+Running\s+0\s+\S+\s+10\.\S+\s+node-1/.test(out) && /evictee\s+1\/1\s+Running\s+0\s+\S+\s+10\.\S+\s+node-2/.test(out);
    });
  });

  test('after a SIGKILL, the next podlab serve re-adopts running containers and removes orphans', async () => {
    const before = await get<Listed<PodJson>>(['pods']);
    const containerIds = new Map<string, string[]>();
    for (const pod of before.items) containerIds.set(pod.metadata.uid, (await podContainers(pod.metadata.uid)).map((c) => c.Id).sort());
    await serve.kill();

    // Left by a pod deleted while PodLab was down: nothing in the API owns it.
    const orphanUid = randomUUID();
    const runtime = new DockerRuntime({ cluster, node: 'node-1', docker });
    await runtime.runPodSandbox({ metadata: { name: 'ghost', namespace: 'default', uid: orphanUid, attempt: 0 } });
    await runtime.createVolume({ name: emptyDirVolumeName(orphanUid, 'data'), labels: { 'io.kubernetes.pod.uid': orphanUid } });
    assert.equal((await podContainers(orphanUid)).length, 1);

    serve = await startPodlab(serveArgs, dataDir);
    await eventually('the orphan removed', async () => (await podContainers(orphanUid)).length === 0);
    await eventually('its volume removed', async () => !(await docker.listVolumes()).Volumes?.some((v) => v.Name === emptyDirVolumeName(orphanUid, 'data')));
    const after = await eventually('pods Ready again', async () => {
      const list = await get<Listed<PodJson>>(['pods']);
      return list.items.every((p) => p.status.containerStatuses?.[0]?.ready) ? list : undefined;
    });
    for (const pod of after.items) {
      assert.deepEqual((await podContainers(pod.metadata.uid)).map((c) => c.Id).sort(), containerIds.get(pod.metadata.uid), `${pod.metadata.name}: the same containers, none added`);
      assert.equal(pod.status.containerStatuses?.[0]?.restartCount, 0);
      assert.equal(pod.status.phase, 'Running');
    }
  });

  test('a stopped node goes unreachable and its pods are evicted; started again, it finishes them', async () => {
    const evictee = (await get<PodJson>(['pod', 'evictee'])).metadata.uid;
    assert.match(await podlab(['node', 'stop', 'node-2']), /Node "node-2" stopped/);
    const node = await eventually('node-2 Unknown and tainted', async () => {
      const n = await get<NodeJson>(['node', 'node-2']);
      return readyStatus(n)?.status === 'Unknown' && n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? n : undefined;
    });
    assert.deepEqual([readyStatus(node)?.reason, readyStatus(node)?.message], ['NodeStatusUnknown', 'Kubelet stopped posting node status.']);
    assert.match(await kubectlOk(serve.kubeconfig, ['get', 'nodes']), /node-2\s+NotReady/);
    await eventually('evictee marked for deletion', async () => (await get<PodJson>(['pod', 'evictee'])).metadata.deletionTimestamp !== undefined);
    const events = await kubectlOk(serve.kubeconfig, ['get', 'events', '--field-selector', 'involvedObject.name=evictee']);
    assert.match(events, /TaintManagerEviction\s+pod\/evictee\s+Marking for deletion Pod default\/evictee/);
    assert.equal((await get<PodJson>(['pod', 'survivor'])).metadata.deletionTimestamp, undefined, 'pods of other nodes stay');

    assert.match(await podlab(['node', 'start', 'node-2']), /Node "node-2" started/);
    await eventually('node-2 Ready again', async () => readyStatus(await get<NodeJson>(['node', 'node-2']))?.status === 'True');
    await eventually('evictee gone', async () => (await kubectl(serve.kubeconfig, ['get', 'pod', 'evictee'])).code !== 0);
    await eventually('its containers removed', async () => (await podContainers(evictee)).length === 0);
  });

  test('podlab node add and rm, with the capacity asked for', async () => {
    assert.match(await podlab(['node', 'add', 'node-3', '--cpus', '1', '--memory', '1Gi', '--pods', '20']), /Node "node-3" added/);
    const node = await eventually('node-3 Ready', async () => {
      const n = await get<NodeJson>(['node', 'node-3']).catch(() => undefined);
      return n && readyStatus(n)?.status === 'True' ? n : undefined;
    });
    assert.deepEqual([node.status.capacity.cpu, node.status.capacity.memory, node.status.capacity.pods], ['1', '1Gi', '20']);
    await assert.rejects(podlab(['node', 'add', 'node-3']), /already exists/);
    // Bound past the scheduler, a pod that does not fit is rejected by the kubelet itself.
    await kubectlOk(serve.kubeconfig, ['apply', '-f', '-'], podManifest('greedy', 'node-3').replace('  - name: app\n', '  - name: app\n    resources: {requests: {cpu: "2"}}\n'));
    const greedy = await eventually('greedy rejected', async () => {
      const pod = await get<PodJson & { status: { reason?: string; message?: string } }>(['pod', 'greedy']);
      return pod.status.phase === 'Failed' ? pod : undefined;
    });
    assert.equal(greedy.status.reason, 'OutOfcpu');
    assert.equal(greedy.status.message, "Pod was rejected: Node didn't have enough resource: cpu, requested: 2000, used: 0, capacity: 1000");
    await kubectlOk(serve.kubeconfig, ['delete', 'pod', 'greedy']);
    assert.match(await podlab(['node', 'rm', 'node-3']), /Node "node-3" removed/);
    await eventually('node-3 deleted', async () => (await kubectl(serve.kubeconfig, ['get', 'node', 'node-3'])).code !== 0);
  });
});
