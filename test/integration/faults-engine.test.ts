// The Docker engine lost while pods run, through a socket proxy `podlab
// serve` reaches the engine by (DOCKER_HOST): the engine is shared with other
// tests and is never stopped itself. Once it answers again pods come back as
// Kubernetes' would: the kubelet syncs every pod again, the containers that
// survived are adopted (same ids), what was deleted meanwhile is removed, and
// the engine holds no duplicate and no orphaned container.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { diagnosePod } from '../../main/insight/diagnosePod.ts';
import type { NodeView, PodView } from '../../main/insight/podView.ts';
import { podsSettled, removeClusterObjects, reserveSubnet, type ApiPod } from '../helpers/dockerCluster.ts';
import { EngineProxy } from '../helpers/engineProxy.ts';
import { eventually } from '../helpers/eventually.ts';
import { kubectlOk } from '../helpers/kubectl.ts';
import { deploymentYaml, sleepingContainer } from '../helpers/manifests.ts';
import { removeDir, startPodlab, tempDir, type PodlabServe } from '../helpers/podlabProcess.ts';

const cluster = `faults-${randomBytes(3).toString('hex')}`;
const dataDir = tempDir('faults-engine');
const proxy = new EngineProxy(join(dataDir, 'docker.sock'));

describe('the Docker engine connection lost while pods run', { timeout: 300_000 }, () => {
  let serve: PodlabServe | undefined;
  const get = async <T>(what: string): Promise<T[]> => JSON.parse(await kubectlOk(serve!.kubeconfig, ['get', what, '-o', 'json'])).items as T[];
  const pods = () => get<ApiPod>('pods');

  const settled = (count: number) => podsSettled(serve!.kubeconfig, cluster, count);
  const readyCondition = async () => (await get<NodeView>('nodes'))[0]!.status!.conditions!.find((c) => c.type === 'Ready')!;

  before(async () => {
    await reserveSubnet(dataDir);
    await proxy.open();
    serve = await startPodlab(['--name', cluster, '--runtime', 'docker', '--nodes', '1'], dataDir, undefined, { DOCKER_HOST: proxy.url });
    await kubectlOk(serve.kubeconfig, ['apply', '-f', '-'], deploymentYaml('web', 3, sleepingContainer, 1));
  });
  after(async () => {
    await proxy.open();
    await serve?.stop();
    await proxy.cut();
    await removeClusterObjects(cluster);
    removeDir(dataDir);
  });

  test('lost and back: surviving containers adopted, a pod deleted meanwhile cleaned up, a new one started', async () => {
    const before = await settled(3);
    const [gone, ...kept] = before.pods;
    await proxy.cut();
    // The API goes on while the engine is away: a pod deleted and the Deployment scaled up.
    await kubectlOk(serve!.kubeconfig, ['delete', 'pod', gone!.metadata.name, '--wait=false']);
    await kubectlOk(serve!.kubeconfig, ['scale', 'deployment', 'web', '--replicas=4']);
    await proxy.open();

    const after = await settled(4);
    for (const pod of kept) assert.deepEqual(after.engine.get(pod.metadata.uid)?.running, before.engine.get(pod.metadata.uid)!.running, `${pod.metadata.name} kept its containers`);
    assert.ok(!after.pods.some((p) => p.metadata.uid === gone!.metadata.uid), 'the deleted pod is gone');
    for (const pod of after.pods) assert.equal(pod.status?.containerStatuses?.[0]?.restartCount, 0, `${pod.metadata.name} was not restarted`);
  });

  test('unreachable for a while: the node says "container runtime is down", nothing is lost, all recovers', async () => {
    const before = await settled(4);
    await proxy.cut();
    const down = await eventually(
      'the node NotReady',
      async () => {
        const ready = await readyCondition();
        return ready.status === 'False' ? ready : undefined;
      },
      90_000,
    );
    assert.equal(down.reason, 'KubeletNotReady');
    assert.equal(down.message, 'container runtime is down');
    const node = (await get<NodeView>('nodes'))[0]!;
    const events = (await get<{ reason: string; message: string }>('events')).map((e) => `${e.reason}: ${e.message}`);
    assert.ok(events.includes(`NodeNotReady: Node ${node.metadata.name} status is now: NodeNotReady`), events.join('\n'));
    // What the UI's debugger says about a pod on that node.
    const [finding] = diagnosePod({ pod: before.pods[0] as PodView, events: [], nodes: [node], previousLogs: {} });
    assert.equal(finding?.rule, 'node-not-ready');
    assert.match(finding!.cause, /cannot reach its container runtime/);
    assert.equal((await pods()).length, 4, 'every pod is still there');

    await proxy.open();
    await eventually('the node Ready again', async () => (await readyCondition()).status === 'True', 90_000);
    const after = await settled(4);
    for (const pod of before.pods) assert.deepEqual(after.engine.get(pod.metadata.uid)?.running, before.engine.get(pod.metadata.uid)!.running, `${pod.metadata.name} kept its containers`);
    const recovered = (await get<{ reason: string; message: string }>('events')).map((e) => `${e.reason}: ${e.message}`);
    assert.ok(recovered.includes(`NodeReady: Node ${node.metadata.name} status is now: NodeReady`));
  });
});
