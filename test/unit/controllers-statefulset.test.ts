// The StatefulSet controller against the real API server in process; the
// tests play the kubelet, making pods Running and Ready one by one.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import type { Pod, StatefulSet } from '../../main/controllers/shared/types.ts';
import { events, listPods, readyAll, setPodStatus, settle, startHarness, until, type Harness } from './controllers-harness.ts';

let h: Harness;
beforeEach(async () => {
  h = await startHarness(['statefulset']);
});
afterEach(async () => h.close());

const statefulSets = () => h.client.resource({ group: 'apps', version: 'v1', plural: 'statefulsets' });

function statefulSet(name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: 'default' },
    spec: {
      serviceName: name,
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'db:1' }] } },
      ...extra,
    },
  };
}

async function members(): Promise<Pod[]> {
  return (await listPods(h, 'default', { app: 'db' })).filter((p) => !p.metadata.deletionTimestamp).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
}

async function getSet(): Promise<StatefulSet> {
  return (await statefulSets().get('default', 'db')) as StatefulSet;
}

const names = (pods: Pod[]) => pods.map((p) => p.metadata.name);
const notReadyYet = (p: Pod) => !p.status?.conditions;

/** Makes each new member ready as it appears, until `count` members are ready. */
async function readyInOrder(count: number): Promise<void> {
  for (let ready = 0; ready < count; ) {
    const pending = await until('a new member', async () => (await members()).find(notReadyYet));
    await settle(50);
    // OrderedReady: never more than one member waiting.
    assert.equal((await members()).filter(notReadyYet).length, 1);
    await setPodStatus(h, pending, true);
    ready++;
  }
}

describe('StatefulSet controller', () => {
  it('creates members one at a time, each after the previous is Running and Ready', async () => {
    await statefulSets().create('default', statefulSet('db', 3));
    const first = await until('db-0', async () => (await members())[0]);
    await settle();
    assert.deepEqual(names(await members()), ['db-0'], 'db-1 waits for db-0');
    assert.equal(first.spec.hostname, 'db-0');
    assert.equal(first.spec.subdomain, 'db');
    assert.equal(first.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'db-0');
    assert.equal(first.metadata.labels?.['apps.kubernetes.io/pod-index'], '0');
    assert.match(first.metadata.labels?.['controller-revision-hash'] ?? '', /^db-[bcdf4-9]+$/);
    await setPodStatus(h, first, true);
    await readyInOrder(2);
    assert.deepEqual(names(await members()), ['db-0', 'db-1', 'db-2']);
    const set = await until('status', async () => {
      const s = await getSet();
      return s.status?.readyReplicas === 3 && s;
    });
    const revision = first.metadata.labels?.['controller-revision-hash'];
    assert.deepEqual(set.status, {
      replicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
      readyReplicas: 3,
      currentReplicas: 3,
      updatedReplicas: 3,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    });
    const messages = (await events(h, 'default')).map((e) => e.message);
    assert.ok(messages.includes('create Pod db-0 in StatefulSet db successful'));
  });

  it('scales down from the highest ordinal, one at a time', async () => {
    await statefulSets().create('default', statefulSet('db', 3));
    await readyInOrder(3);
    await statefulSets().patch('default', 'db', 'application/merge-patch+json', { spec: { replicas: 1 } });
    await until('db-2 and db-1 gone', async () => (await members()).length === 1);
    assert.deepEqual(names(await members()), ['db-0']);
    // Events are written after the deletions they report (best effort, as in Kubernetes).
    const deletes = await until('both deletions reported', async () => {
      const found = (await events(h, 'default')).filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
      return found.length === 2 && found;
    });
    assert.deepEqual(deletes.sort(), ['delete Pod db-1 in StatefulSet db successful', 'delete Pod db-2 in StatefulSet db successful']);
  });

  it('Parallel creates every member at once', async () => {
    await statefulSets().create('default', statefulSet('db', 3, { podManagementPolicy: 'Parallel' }));
    await until('three members', async () => (await members()).length === 3);
    assert.deepEqual(names(await members()), ['db-0', 'db-1', 'db-2']);
  });

  it('a partitioned rolling update replaces members from the highest ordinal down to the partition', async () => {
    await statefulSets().create('default', statefulSet('db', 3, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    await readyInOrder(3);
    const oldRevision = (await members())[0].metadata.labels?.['controller-revision-hash'];
    await statefulSets().patch('default', 'db', 'application/strategic-merge-patch+json', { spec: { template: { spec: { containers: [{ name: 'main', image: 'db:2' }] } } } });
    for (const expected of ['db-2', 'db-1']) {
      const updated = await until(`${expected} updated`, async () => (await members()).find((p) => p.spec.containers[0].image === 'db:2' && notReadyYet(p)));
      assert.equal(updated.metadata.name, expected);
      await setPodStatus(h, updated, true);
    }
    const set = await until('partition reached', async () => {
      const s = await getSet();
      return s.status?.updatedReplicas === 2 && s.status.readyReplicas === 3 && s;
    });
    await settle();
    const pods = await members();
    assert.deepEqual(
      pods.map((p) => p.spec.containers[0].image),
      ['db:1', 'db:2', 'db:2'],
    );
    assert.equal(pods[0].metadata.labels?.['controller-revision-hash'], oldRevision);
    assert.equal(set.status?.currentRevision, oldRevision);
    assert.notEqual(set.status?.updateRevision, oldRevision);
    // A member below the partition that is lost comes back at the current (old) revision.
    await h.pods.delete('default', 'db-0');
    const recreated = await until('db-0 back', async () => (await members()).find((p) => p.metadata.name === 'db-0' && p.metadata.uid !== pods[0].metadata.uid));
    assert.equal(recreated.spec.containers[0].image, 'db:1');
    assert.equal(recreated.metadata.labels?.['controller-revision-hash'], oldRevision);
    await setPodStatus(h, recreated, true);
    // Lowering the partition finishes the update; the update revision becomes the current one.
    await statefulSets().patch('default', 'db', 'application/merge-patch+json', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    const last = await until('db-0 updated', async () => (await members()).find((p) => p.spec.containers[0].image === 'db:2' && notReadyYet(p)));
    assert.equal(last.metadata.name, 'db-0');
    await setPodStatus(h, last, true);
    const done = await until('complete', async () => {
      const s = await getSet();
      return s.status?.updatedReplicas === 3 && s.status.currentRevision === s.status.updateRevision && s;
    });
    assert.equal(done.status?.currentReplicas, 3);
  });

  it('recreates a member that is deleted, under the same name', async () => {
    await statefulSets().create('default', statefulSet('db', 2));
    await readyInOrder(2);
    const [first] = await members();
    await h.pods.delete('default', 'db-0');
    const again = await until('db-0 back', async () => (await members()).find((p) => p.metadata.name === 'db-0' && p.metadata.uid !== first.metadata.uid));
    assert.equal(again.spec.hostname, 'db-0');
    await readyAll(h, 'default', { app: 'db' });
    assert.deepEqual(h.errors, []);
  });
});
