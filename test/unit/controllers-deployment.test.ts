// The Deployment controller with the ReplicaSet controller, against the real
// API server in process. The tests play the kubelet: they mark pods Running
// and Ready themselves.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import type { Deployment, ReplicaSet } from '../../main/controllers/shared/types.ts';
import { bindAll, deployment, events, finishTerminating, listPods, readyAll, resources, settle, startHarness, until, type Harness } from './controllers-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness(['deployment', 'replicaset']);
});
afterEach(async () => h.close());

async function getDeployment(name = 'web'): Promise<Deployment> {
  return (await resources.deployments(h).get('default', name)) as Deployment;
}

async function replicaSetsOf(name = 'web'): Promise<ReplicaSet[]> {
  const items = (await resources.replicaSets(h).list('default', { labelSelector: `app=${name}` })).items as ReplicaSet[];
  return items.sort((a, b) => Number(a.metadata.annotations?.['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations?.['deployment.kubernetes.io/revision']));
}

async function setImage(image: string, name = 'web'): Promise<void> {
  await resources.deployments(h).patch('default', name, 'application/strategic-merge-patch+json', { spec: { template: { spec: { containers: [{ name: 'main', image }] } } } });
}

/** Plays the kubelet until the rollout is complete, checking the rolling-update bounds at every step. */
async function rollOut(name: string, bounds?: { maxTotal: number; minReady: number }): Promise<Deployment> {
  for (let step = 0; step < 50; step++) {
    await settle(100);
    if (bounds) {
      const pods = (await listPods(h, 'default', { app: name })).filter((p) => !p.metadata.deletionTimestamp);
      assert.ok(pods.length <= bounds.maxTotal, `at most ${bounds.maxTotal} pods during the rollout, saw ${pods.length}`);
      const ready = pods.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      assert.ok(ready.length >= bounds.minReady, `at least ${bounds.minReady} ready pods during the rollout, saw ${ready.length}`);
    }
    await readyAll(h, 'default', { app: name });
    const d = await getDeployment(name);
    const s = d.status ?? {};
    const desired = d.spec.replicas ?? 1;
    if ((s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && s.updatedReplicas === desired && s.replicas === desired && s.availableReplicas === desired) return d;
  }
  assert.fail(`deployment ${name} never rolled out`);
}

describe('Deployment controller', () => {
  it('creates a ReplicaSet named by its pod-template-hash, and the ReplicaSet its pods', async () => {
    await resources.deployments(h).create('default', deployment('web', 3, 'nginx:1'));
    const pods = await until('three pods', async () => {
      const found = await listPods(h, 'default', { app: 'web' });
      return found.length === 3 && found;
    });
    const [rs] = await replicaSetsOf();
    const hash = rs.metadata.labels?.['pod-template-hash'];
    assert.match(hash ?? '', /^[bcdf4-9]{1,10}$/);
    assert.equal(rs.metadata.name, `web-${hash}`);
    assert.deepEqual(rs.spec.selector.matchLabels, { app: 'web', 'pod-template-hash': hash });
    assert.equal(rs.spec.template.metadata?.labels?.['pod-template-hash'], hash);
    assert.deepEqual(rs.metadata.annotations, {
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    const d = await getDeployment();
    assert.deepEqual(rs.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    for (const pod of pods) {
      assert.match(pod.metadata.name ?? '', new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      assert.deepEqual(pod.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    // Events are written after what they report: wait for the three creations' events.
    const seen = await until('the creations reported', async () => {
      const found = await events(h, 'default');
      return found.filter((e) => e.reason === 'SuccessfulCreate' && e.involvedObject.name === rs.metadata.name).length === 3 && found;
    });
    assert.ok(seen.some((e) => e.reason === 'ScalingReplicaSet' && e.message === `Scaled up replica set web-${hash} from 0 to 3`));
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '1');
  });

  it('reports status and conditions as the pods become ready', async () => {
    await resources.deployments(h).create('default', deployment('web', 2, 'nginx:1'));
    await until('two pods', async () => (await listPods(h, 'default', { app: 'web' })).length === 2);
    const waiting = await until('the controller saw the pods', async () => {
      const d = await getDeployment();
      return d.status?.replicas === 2 && d;
    });
    assert.equal(waiting.status?.unavailableReplicas, 2);
    const progressing = waiting.status?.conditions?.find((c) => c.type === 'Progressing');
    assert.equal(progressing?.status, 'True');
    assert.match(progressing?.reason ?? '', /^(NewReplicaSetCreated|ReplicaSetUpdated)$/);
    const d = await rollOut('web');
    assert.deepEqual(
      { ...d.status, conditions: undefined },
      { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, conditions: undefined },
    );
    const byType = Object.fromEntries((d.status?.conditions ?? []).map((c) => [c.type, c]));
    assert.equal(byType.Available.status, 'True');
    assert.equal(byType.Available.reason, 'MinimumReplicasAvailable');
    assert.equal(byType.Available.message, 'Deployment has minimum availability.');
    assert.equal(byType.Progressing.reason, 'NewReplicaSetAvailable');
    const [rs] = await replicaSetsOf();
    assert.equal(byType.Progressing.message, `ReplicaSet "${rs.metadata.name}" has successfully progressed.`);
  });

  it('scales through the scale subresource', async () => {
    await resources.deployments(h).create('default', deployment('web', 2, 'nginx:1'));
    await rollOut('web');
    await resources.deployments(h).patch('default', 'web', 'application/merge-patch+json', { spec: { replicas: 5 } }, 'scale');
    const d = await rollOut('web');
    assert.equal(d.status?.availableReplicas, 5);
    const [rs] = await replicaSetsOf();
    assert.equal(rs.spec.replicas, 5);
    assert.equal(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas'], '5');
    assert.ok((await events(h, 'default')).some((e) => e.message === `Scaled up replica set ${rs.metadata.name} from 2 to 5`));
  });

  it('rolls out a new image within maxSurge and maxUnavailable, old pods going as new ones become ready', async () => {
    await resources.deployments(h).create('default', deployment('web', 4, 'nginx:1', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }));
    await rollOut('web');
    await setImage('nginx:2');
    const d = await rollOut('web', { maxTotal: 5, minReady: 3 });
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    const [oldRS, newRS] = await replicaSetsOf();
    assert.equal(oldRS.spec.replicas, 0);
    assert.equal(newRS.spec.replicas, 4);
    assert.equal(newRS.metadata.annotations?.['deployment.kubernetes.io/revision'], '2');
    const pods = await listPods(h, 'default', { app: 'web' });
    assert.ok(pods.filter((p) => !p.metadata.deletionTimestamp).every((p) => p.spec.containers[0].image === 'nginx:2'));
    const messages = (await events(h, 'default')).map((e) => e.message);
    assert.ok(messages.includes(`Scaled up replica set ${newRS.metadata.name} from 0 to 1`));
    assert.ok(messages.includes(`Scaled down replica set ${oldRS.metadata.name} from 4 to 3`));
  });

  it('rolls back as kubectl rollout undo does: the old ReplicaSet comes back as the newest revision', async () => {
    await resources.deployments(h).create('default', deployment('web', 2, 'nginx:1'));
    await rollOut('web');
    await setImage('nginx:2');
    await rollOut('web');
    const [first] = await replicaSetsOf();
    // kubectl 1.32 rolls back client-side: a JSON patch of the template (hash label removed) and the annotations.
    const template = structuredClone(first.spec.template);
    delete template.metadata?.labels?.['pod-template-hash'];
    const current = await getDeployment();
    await resources.deployments(h).patch('default', 'web', 'application/json-patch+json', [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': current.metadata.annotations?.['deployment.kubernetes.io/revision'] } },
    ]);
    const d = await rollOut('web');
    assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    const rss = await replicaSetsOf();
    assert.equal(rss.length, 2);
    const revived = rss.find((rs) => rs.metadata.uid === first.metadata.uid)!;
    assert.equal(revived.spec.replicas, 2);
    assert.equal(revived.metadata.annotations?.['deployment.kubernetes.io/revision'], '3');
    assert.equal(revived.metadata.annotations?.['deployment.kubernetes.io/revision-history'], '1');
  });

  it('a restart (template annotation) rolls out a new ReplicaSet', async () => {
    await resources.deployments(h).create('default', deployment('web', 1, 'nginx:1'));
    await rollOut('web');
    await resources.deployments(h).patch('default', 'web', 'application/strategic-merge-patch+json', {
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T12:00:00Z' } } } },
    });
    await rollOut('web');
    const rss = await replicaSetsOf();
    assert.equal(rss.length, 2);
    assert.equal(rss[1].spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'], '2025-01-01T12:00:00Z');
  });

  it('a paused Deployment does not roll out, but says so; resuming rolls out', async () => {
    await resources.deployments(h).create('default', deployment('web', 2, 'nginx:1'));
    await rollOut('web');
    await resources.deployments(h).patch('default', 'web', 'application/merge-patch+json', { spec: { paused: true } });
    await setImage('nginx:2');
    const paused = await until('the paused condition', async () => {
      const d = await getDeployment();
      const c = d.status?.conditions?.find((x) => x.type === 'Progressing');
      return c?.reason === 'DeploymentPaused' && d;
    });
    const condition = paused.status?.conditions?.find((x) => x.type === 'Progressing');
    assert.deepEqual([condition?.status, condition?.message], ['Unknown', 'Deployment is paused']);
    await settle(200);
    assert.equal((await replicaSetsOf()).length, 1);
    await resources.deployments(h).patch('default', 'web', 'application/merge-patch+json', { spec: { paused: false } });
    const d = await rollOut('web');
    assert.equal((await replicaSetsOf()).length, 2);
    assert.equal(d.status?.conditions?.find((x) => x.type === 'Progressing')?.reason, 'NewReplicaSetAvailable');
  });

  it('Recreate scales the old ReplicaSet to zero and waits for its pods to be gone before creating the new one', async () => {
    await resources.deployments(h).create('default', deployment('web', 2, 'nginx:1', { strategy: { type: 'Recreate' } }));
    await until('two pods', async () => (await listPods(h, 'default', { app: 'web' })).length === 2);
    // Scheduled pods terminate gracefully: they linger until their kubelet is done.
    await bindAll(h, 'default', { app: 'web' });
    await rollOut('web');
    await setImage('nginx:2');
    await until('old pods terminating', async () => (await listPods(h, 'default', { app: 'web' })).every((p) => p.metadata.deletionTimestamp));
    await settle(200);
    assert.equal((await replicaSetsOf()).length, 1, 'no new ReplicaSet while old pods still run');
    assert.equal(await finishTerminating(h, 'default', { app: 'web' }), 2);
    const d = await rollOut('web');
    assert.equal(d.status?.updatedReplicas, 2);
    const messages = (await events(h, 'default')).map((e) => e.message);
    const [oldRS, newRS] = await replicaSetsOf();
    assert.ok(messages.includes(`Scaled down replica set ${oldRS.metadata.name} from 2 to 0`));
    assert.ok(messages.includes(`Scaled up replica set ${newRS.metadata.name} from 0 to 2`));
  });

  it('reports ProgressDeadlineExceeded when nothing progresses for progressDeadlineSeconds', async () => {
    await resources.deployments(h).create('default', deployment('web', 1, 'nginx:1', { progressDeadlineSeconds: 30 }));
    await until('the controller saw the pod', async () => (await getDeployment()).status?.replicas === 1);
    await settle(100);
    h.clock.advance(31_000);
    const d = await until('the deadline', async () => {
      const x = await getDeployment();
      return x.status?.conditions?.find((c) => c.type === 'Progressing')?.reason === 'ProgressDeadlineExceeded' && x;
    });
    const condition = d.status?.conditions?.find((c) => c.type === 'Progressing');
    const [rs] = await replicaSetsOf();
    assert.equal(condition?.status, 'False');
    assert.equal(condition?.message, `ReplicaSet "${rs.metadata.name}" has timed out progressing.`);
    assert.equal(d.status?.conditions?.find((c) => c.type === 'Available')?.reason, 'MinimumReplicasUnavailable');
  });

  it('counts pods available only after minReadySeconds', async () => {
    await resources.deployments(h).create('default', deployment('web', 1, 'nginx:1', { minReadySeconds: 10 }));
    await until('a pod', async () => (await listPods(h, 'default', { app: 'web' })).length === 1);
    await readyAll(h, 'default', { app: 'web' });
    await until('ready', async () => (await getDeployment()).status?.readyReplicas === 1);
    await settle(100);
    assert.equal((await getDeployment()).status?.availableReplicas ?? 0, 0);
    h.clock.advance(12_000);
    await until('available', async () => (await getDeployment()).status?.availableReplicas === 1);
  });

  it('keeps only revisionHistoryLimit old ReplicaSets', async () => {
    await resources.deployments(h).create('default', deployment('web', 1, 'nginx:1', { revisionHistoryLimit: 1 }));
    for (const image of ['nginx:1', 'nginx:2', 'nginx:3', 'nginx:4']) {
      await setImage(image);
      await rollOut('web');
    }
    await until('old ReplicaSets cleaned up', async () => (await replicaSetsOf()).length === 2);
    const rss = await replicaSetsOf();
    assert.deepEqual(
      rss.map((rs) => rs.spec.template.spec?.containers[0].image),
      ['nginx:3', 'nginx:4'],
    );
  });

  it('adopts a matching orphan ReplicaSet instead of creating another', async () => {
    const d = deployment('web', 1, 'nginx:1') as KubeObject & { spec: Deployment['spec'] };
    await resources.deployments(h).create('default', d);
    const [rs] = await until('a ReplicaSet', async () => {
      const found = await replicaSetsOf();
      return found.length === 1 && found;
    });
    await resources.replicaSets(h).patch('default', rs.metadata.name ?? '', 'application/json-patch+json', [{ op: 'remove', path: '/metadata/ownerReferences' }]);
    const adopted = await until('adopted again', async () => {
      const found = await replicaSetsOf();
      return found.length === 1 && found[0].metadata.ownerReferences?.[0]?.name === 'web' && found[0];
    });
    assert.equal(adopted.metadata.uid, rs.metadata.uid);
    assert.deepEqual(h.errors, []);
  });
});
