// PodLab killed (SIGKILL) in the middle of a pod burst, and again in the
// middle of its own graceful stop: the next start re-adopts everything, as a
// restarted kubelet does. Every container that was running when the process
// died runs on under the same id, the missing ones are made, the engine holds
// no duplicate and no orphan, the store reopens whole (SQLite's integrity
// check) and every pod ends Running.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { podsOnEngine, podsSettled, removeClusterObjects, reserveSubnet } from '../helpers/dockerCluster.ts';
import { eventually } from '../helpers/eventually.ts';
import { kubectlOk } from '../helpers/kubectl.ts';
import { deploymentYaml, sleepingContainer } from '../helpers/manifests.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const cluster = `faults-${randomBytes(3).toString('hex')}`;
const dataDir = tempDir('faults-sigkill');

describe('PodLab killed with SIGKILL', { timeout: 600_000 }, () => {
  let serve: PodlabServe | undefined;
  const start = () => startPodlab(['--name', cluster, '--runtime', 'docker', '--nodes', '2'], dataDir);
  const kubectl = (args: string[], input?: string) => kubectlOk(serve!.kubeconfig, args, input);

  /** The running containers the engine holds for the cluster's pods, all ids in one list. */
  const runningContainers = async () => [...(await podsOnEngine(cluster)).values()].flatMap((pod) => pod.running);

  /** After a restart: `count` pods settled, every container running at the kill still running, the Deployment's status caught up. */
  async function readopted(runningAtKill: string[], count: number): Promise<void> {
    serve = await start();
    const { engine } = await podsSettled(serve.kubeconfig, cluster, count);
    const runningNow = new Set([...engine.values()].flatMap((pod) => pod.running));
    assert.deepEqual(runningAtKill.filter((id) => !runningNow.has(id)), [], 'every container running at the kill was adopted, not replaced');
    await eventually('the Deployment available', async () => (await kubectl(['get', 'deployment', 'burst', '-o', 'jsonpath={.status.availableReplicas}'])).trim() === String(count));
  }

  function storeIntact(): void {
    const db = new Database(join(dataDir, 'state.db'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    } finally {
      db.close();
    }
  }

  before(async () => {
    await reserveSubnet(dataDir);
    serve = await start();
    await kubectl(['apply', '-f', '-'], deploymentYaml('burst', 1, sleepingContainer, 1));
    await podsSettled(serve.kubeconfig, cluster, 1);
  });
  after(async () => {
    await serve?.stop();
    await removeClusterObjects(cluster);
    removeDir(dataDir);
  });

  test('during a burst (a Deployment scaled from 1 to 10): the next start adopts what runs and makes the rest', async () => {
    const first = await runningContainers();
    await kubectl(['scale', 'deployment', 'burst', '--replicas=10']);
    // Killed once the kubelets have started on the burst: some pods have containers, others not yet.
    await eventually('the burst under way', async () => (await runningContainers()).length > first.length, 60_000, 20);
    await serve!.kill();
    const runningAtKill = await runningContainers();
    storeIntact();
    await readopted(runningAtKill, 10);
  });

  test('during its graceful stop (after SIGTERM, amid a burst to 15): the next start adopts everything', async () => {
    await kubectl(['scale', 'deployment', 'burst', '--replicas=15']);
    serve!.process.kill('SIGTERM');
    await eventually('the stop begun', async () => /Received SIGTERM/.test(serve!.output()), 30_000, 10);
    await serve!.kill();
    const runningAtKill = await runningContainers();
    storeIntact();
    await readopted(runningAtKill, 15);
    assert.equal(await serve!.stop(), 0);
    storeIntact();
    serve = undefined;
  });
});
