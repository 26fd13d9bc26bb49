// The DaemonSet controller on the fake clock (the scheduler's and kubelet's
// parts played by hand): one pod per fitting node, pinned to it, with the
// daemon tolerations; a new node gets its pod and a tainted one loses it;
// ControllerRevisions record each template, and a rolling update replaces
// at most maxUnavailable pods at a time; going back renumbers the old revision.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import type { Pod } from '../../main/controllers/shared/types.ts';
import { events, setPodStatus, settle, startHarness, until, untilAdvancing, type Harness } from './controllers-harness.ts';

const dsRef = { group: 'apps', version: 'v1', plural: 'daemonsets' };
const revisionsRef = { group: 'apps', version: 'v1', plural: 'controllerrevisions' };
const nodesRef = { group: '', version: 'v1', plural: 'nodes' };

function node(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, status: { conditions: [{ type: 'Ready', status: 'True' }] } } as KubeObject;
}

function daemonSet(image: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { nodeSelector: { role: 'worker' }, containers: [{ name: 'agent', image }] } } },
  } as KubeObject;
}

const pinnedNode = (pod: Pod) => pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];

async function livePods(h: Harness): Promise<Pod[]> {
  return (await h.pods.list('default', { labelSelector: 'app=agent' })).items.filter((p) => !p.metadata.deletionTimestamp);
}

/** The scheduler and kubelet: each pod bound to its pinned node, Running and Ready. */
async function runAll(h: Harness): Promise<void> {
  for (const pod of await livePods(h)) {
    if (!pod.spec.nodeName) await h.pods.createSubresource('default', pod.metadata.name ?? '', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name }, target: { kind: 'Node', name: pinnedNode(pod) } } as KubeObject);
    if (!pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) await setPodStatus(h, await h.pods.get('default', pod.metadata.name ?? ''), true);
  }
}

/** The kubelet finishing graceful deletions. */
async function finishDeletions(h: Harness): Promise<void> {
  for (const pod of (await h.pods.list('default', { labelSelector: 'app=agent' })).items) {
    if (pod.metadata.deletionTimestamp) await h.pods.delete('default', pod.metadata.name ?? '', { gracePeriodSeconds: 0 }).catch(() => undefined);
  }
}

describe('the DaemonSet controller', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(['daemonset']);
    for (const name of ['node-1', 'node-2']) await h.client.resource(nodesRef).create(undefined, node(name, { role: 'worker' }));
    await h.client.resource(nodesRef).create(undefined, node('node-3', { role: 'db' }));
  });
  after(() => h.close());

  it('puts one pod, pinned and tolerant, on each node that fits', async () => {
    await h.client.resource(dsRef).create('default', daemonSet('busybox:1.36'));
    const pods = await until('two pods', async () => ((await livePods(h)).length === 2 ? livePods(h) : undefined));
    assert.deepEqual(pods.map(pinnedNode).sort(), ['node-1', 'node-2']);
    const tolerations = pods[0]!.spec.tolerations?.map((t) => `${t.key}:${t.effect}`) ?? [];
    assert.ok(tolerations.includes('node.kubernetes.io/unschedulable:NoSchedule') && tolerations.includes('node.kubernetes.io/not-ready:NoExecute'));
    assert.ok(pods[0]!.metadata.labels?.['controller-revision-hash']);
    await runAll(h);
    const ds = await until('the status', async () => {
      const current = await h.client.resource(dsRef).get('default', 'agent');
      return (current.status as { numberReady?: number }).numberReady === 2 ? current : undefined;
    });
    assert.deepEqual(
      [(ds.status as Record<string, number>).desiredNumberScheduled, (ds.status as Record<string, number>).currentNumberScheduled, (ds.status as Record<string, number>).updatedNumberScheduled, (ds.status as Record<string, number>).numberAvailable],
      [2, 2, 2, 2],
    );
    const [revision] = (await h.client.resource(revisionsRef).list('default')).items;
    assert.equal((revision as { revision?: number }).revision, 1);
    assert.equal(revision!.metadata.name, `agent-${pods[0]!.metadata.labels?.['controller-revision-hash']}`);
  });

  it('a node that comes gets its pod; a node tainted NoSchedule loses it', async () => {
    await h.client.resource(nodesRef).create(undefined, node('node-4', { role: 'worker' }));
    await until('a pod for node-4', async () => (await livePods(h)).some((p) => pinnedNode(p) === 'node-4') || undefined);
    await h.client.resource(nodesRef).patch(undefined, 'node-4', 'application/merge-patch+json', { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } });
    await until('the pod on node-4 deleted', async () => !(await livePods(h)).some((p) => pinnedNode(p) === 'node-4') || undefined);
    await finishDeletions(h);
    await runAll(h);
  });

  it('a new template rolls out one node at a time, recorded as revision 2; going back makes revision 1 the newest as 3', async () => {
    await h.client.resource(dsRef).patch('default', 'agent', 'application/strategic-merge-patch+json', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'busybox:1.37' }] } } } });
    await until('one old pod deleted', async () => ((await h.pods.list('default', { labelSelector: 'app=agent' })).items.filter((p) => p.metadata.deletionTimestamp).length === 1 ? true : undefined));
    await settle();
    assert.equal((await h.pods.list('default', { labelSelector: 'app=agent' })).items.filter((p) => p.metadata.deletionTimestamp).length, 1, 'maxUnavailable 1: one at a time');
    for (let round = 0; round < 4; round++) {
      await finishDeletions(h);
      await settle(100);
      await runAll(h);
      await settle(100);
    }
    await untilAdvancing(h, 'every pod on busybox:1.37', async () => {
      const pods = await livePods(h);
      return pods.length === 2 && pods.every((p) => p.spec.containers[0]!.image === 'busybox:1.37') ? true : undefined;
    });
    const revisions = (await h.client.resource(revisionsRef).list('default')).items as Array<KubeObject & { revision: number }>;
    assert.deepEqual(revisions.map((r) => r.revision).sort(), [1, 2]);
    await h.client.resource(dsRef).patch('default', 'agent', 'application/strategic-merge-patch+json', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'busybox:1.36' }] } } } });
    await until('revision 1 renumbered 3', async () => {
      const list = (await h.client.resource(revisionsRef).list('default')).items as Array<KubeObject & { revision: number }>;
      return list.length === 2 && list.map((r) => r.revision).sort().join(',') === '2,3' ? true : undefined;
    });
    assert.ok((await events(h, 'default')).some((e) => e.involvedObject.name === 'agent' && e.reason === 'SuccessfulDelete'));
  });
});
