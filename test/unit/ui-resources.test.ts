// The resource browser's calls against a real (in-process) API server: the
// kinds from discovery (a CRD appearing once established, and going with
// it), server-side tables with kubectl's columns, an edit's dry-run diff and
// its errors, owned objects, and what a delete takes with it.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import type { ApiGroupKinds, ObjectRef } from '../../preload/api.ts';
import { deleteImpact } from '../../main/ui/resources/deleteImpact.ts';
import { dryRunEdit, updateObject } from '../../main/ui/resources/edit.ts';
import { findKind, servedKinds } from '../../main/ui/resources/kinds.ts';
import { lineDiff } from '../../main/ui/resources/lineDiff.ts';
import { ownedObjects } from '../../main/ui/resources/ownership.ts';
import { resourceTable } from '../../main/ui/resources/table.ts';
import { objectYaml } from '../../main/ui/objects.ts';
import { ApiError } from '../../main/kube/client/types.ts';
import { cronTabCrd } from '../helpers/cronTabCrd.ts';
import { eventually } from '../helpers/eventually.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const deployments = { group: 'apps', version: 'v1', plural: 'deployments' };
const replicaSets = { group: 'apps', version: 'v1', plural: 'replicasets' };
const pods = { group: '', version: 'v1', plural: 'pods' };
const configMaps = { group: '', version: 'v1', plural: 'configmaps' };
const namespaces = { group: '', version: 'v1', plural: 'namespaces' };
const claims = { group: '', version: 'v1', plural: 'persistentvolumeclaims' };
const volumes = { group: '', version: 'v1', plural: 'persistentvolumes' };
const crds = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions' };
const cronTabs = { group: 'stable.example.com', version: 'v1', plural: 'crontabs' };

let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
});
after(() => api.close());

const kinds = () => servedKinds(api.api.discoveryClient(adminUser));

const podSpec = { containers: [{ name: 'web', image: 'busybox:1.36' }] };

function owned(owner: KubeObject, apiVersion: string, kind: string, controller = true) {
  return { apiVersion, kind, name: owner.metadata.name ?? '', uid: owner.metadata.uid ?? '', controller };
}

async function createNamespace(name: string): Promise<void> {
  await api.client.resource(namespaces).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** A Deployment with one ReplicaSet owning two pods, written as the controllers would leave them. */
async function deploymentTree(namespace: string, name: string) {
  const deployment = await api.client.resource(deployments).create(namespace, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
  } as KubeObject);
  const rs = await api.client.resource(replicaSets).create(namespace, {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `${name}-5d8f`, ownerReferences: [owned(deployment, 'apps/v1', 'Deployment')] },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec } },
  } as KubeObject);
  const created: KubeObject[] = [];
  for (const suffix of ['abcde', 'fghij']) {
    created.push(
      await api.client.resource(pods).create(namespace, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${name}-5d8f-${suffix}`, labels: { app: name }, ownerReferences: [owned(rs, 'apps/v1', 'ReplicaSet')] },
        spec: podSpec,
      } as KubeObject),
    );
  }
  return { deployment, rs, pods: created };
}

describe('kinds from discovery', () => {
  test('grouped by API group, core first, each resource once in its preferred version, with its verbs and scope', async () => {
    const groups = await kinds();
    assert.equal(groups[0]!.group, '');
    const apps = groups.find((g) => g.group === 'apps')!;
    const deployment = apps.kinds.find((k) => k.kind === 'Deployment')!;
    assert.deepEqual(deployment.resource, deployments);
    assert.equal(deployment.namespaced, true);
    assert.ok(['list', 'update', 'delete'].every((v) => deployment.verbs.includes(v)));
    assert.equal(findKind(groups, '', 'Namespace')?.namespaced, false);
    // HPA is served in v2 and v1: listed once, in the preferred v2.
    const hpas = groups.find((g) => g.group === 'autoscaling')!.kinds.filter((k) => k.resource.plural === 'horizontalpodautoscalers');
    assert.deepEqual(hpas.map((k) => k.resource.version), ['v2']);
    // Subresources are not kinds of their own.
    assert.ok(!groups.flatMap((g) => g.kinds).some((k) => k.resource.plural.includes('/')));
  });

  test('a CRD appears once established, with its printer columns in its table, and goes when deleted', async () => {
    await api.client.resource(crds).create(undefined, cronTabCrd() as unknown as KubeObject);
    const cronTab = await eventually('CronTab served', async () => findKind(await kinds(), 'stable.example.com', 'CronTab'));
    assert.deepEqual(cronTab.resource, cronTabs);
    await api.client.resource(cronTabs).create('default', {
      apiVersion: 'stable.example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'my-new-cron-object' },
      spec: { cronSpec: '* * * * */5', image: 'my-awesome-cron-image', replicas: 1 },
    });
    const table = await resourceTable(api.api.tableClient(adminUser), { resource: cronTabs, namespace: 'default' });
    assert.deepEqual(
      table.columns.map((c) => c.name),
      ['Name', 'Spec', 'Replicas', 'Age'],
    );
    assert.deepEqual(table.rows[0]!.cells.slice(0, 3), ['my-new-cron-object', '* * * * */5', 1]);
    assert.equal(table.rows[0]!.object.name, 'my-new-cron-object');
    // The detail view asks for its one row by name, as for any kind.
    const one = await resourceTable(api.api.tableClient(adminUser), { resource: cronTabs, namespace: 'default', fieldSelector: 'metadata.name=my-new-cron-object' });
    assert.equal(one.rows.length, 1);

    const impact = await deleteImpact(api.client, await kinds(), { resource: crds, name: 'crontabs.stable.example.com' });
    assert.deepEqual(impact.counts, [{ kind: 'CronTab', count: 1 }]);
    assert.deepEqual(impact.objects.map((o) => `${o.kind} ${o.namespace}/${o.name}`), ['CronTab default/my-new-cron-object']);

    await api.client.resource(crds).delete(undefined, 'crontabs.stable.example.com');
    await eventually('CronTab gone from discovery', async () => !findKind(await kinds(), 'stable.example.com', 'CronTab'));
  });
});

describe('server-side tables', () => {
  test("Deployments print kubectl's columns, the wide ones at priority 1, and each row's identity", async () => {
    await createNamespace('tables');
    await deploymentTree('tables', 'web');
    const table = await resourceTable(api.api.tableClient(adminUser), { resource: deployments, namespace: 'tables' });
    assert.deepEqual(
      table.columns.filter((c) => c.priority === 0).map((c) => c.name),
      ['Name', 'Ready', 'Up-to-date', 'Available', 'Age'],
    );
    assert.deepEqual(
      table.columns.filter((c) => c.priority > 0).map((c) => c.name),
      ['Containers', 'Images', 'Selector'],
    );
    assert.equal(table.rows.length, 1);
    assert.deepEqual(table.rows[0]!.cells.slice(0, 4), ['web', '0/2', 0, 0]);
    assert.equal(table.rows[0]!.object.namespace, 'tables');
    assert.ok(table.rows[0]!.object.uid && table.rows[0]!.object.creationTimestamp);
    const one = await resourceTable(api.api.tableClient(adminUser), { resource: pods, namespace: 'tables', fieldSelector: 'metadata.name=web-5d8f-abcde' });
    assert.deepEqual(
      one.rows.map((r) => r.object.name),
      ['web-5d8f-abcde'],
    );
  });
});

describe('editing with a dry run first', () => {
  const ref: ObjectRef = { resource: configMaps, namespace: 'default', name: 'settings' };

  test('the dry run answers what the server would store and a diff of the YAML, and stores nothing', async () => {
    await api.client.resource(configMaps).create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { mode: 'slow' } });
    const yaml = objectYaml(await api.client.resource(configMaps).get('default', 'settings')).replace('mode: slow', 'mode: fast');
    const preview = await dryRunEdit(api.client, { ...ref, yaml });
    assert.equal(preview.changed, true);
    assert.deepEqual(
      preview.diff.filter((l) => l.op !== ' '),
      [
        { op: '-', text: '  mode: slow' },
        { op: '+', text: '  mode: fast' },
      ],
    );
    assert.doesNotMatch(preview.after, /managedFields/);
    assert.equal((preview.object.data as Record<string, string>).mode, 'fast');
    assert.equal(((await api.client.resource(configMaps).get('default', 'settings')).data as Record<string, string>).mode, 'slow');

    const stored = await updateObject(api.client, { ...ref, yaml });
    assert.equal((stored.data as Record<string, string>).mode, 'fast');
    // The YAML edited before that update is now stale: the server says so, as kubectl edit hears it.
    const stale = await dryRunEdit(api.client, { ...ref, yaml: yaml.replace('mode: fast', 'mode: medium') }).catch((err: unknown) => err);
    assert.ok(stale instanceof ApiError && stale.code === 409, String(stale));
  });

  test("errors come back as the server's Status, naming the fields", async () => {
    const deployment = await api.client.resource(deployments).create('default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'edited' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'edited' } }, template: { metadata: { labels: { app: 'edited' } }, spec: podSpec } },
    } as KubeObject);
    const yaml = objectYaml(deployment);
    const deploymentRef = { resource: deployments, namespace: 'default', name: 'edited' };
    const scaled = await dryRunEdit(api.client, { ...deploymentRef, yaml: yaml.replace('replicas: 1', 'replicas: 3') });
    assert.ok(scaled.diff.some((l) => l.op === '+' && l.text === '  replicas: 3'));
    const negative = await dryRunEdit(api.client, { ...deploymentRef, yaml: yaml.replace('replicas: 1', 'replicas: -1') }).catch((err: unknown) => err);
    assert.ok(negative instanceof ApiError && negative.code === 422, String(negative));
    assert.deepEqual(
      negative.status.details?.causes?.map((c) => c.field),
      ['spec.replicas'],
    );
    const unknown = await dryRunEdit(api.client, { ...deploymentRef, yaml: yaml.replace('replicas: 1', 'replicas: 1\n  replicaz: 2') }).catch((err: unknown) => err);
    assert.ok(unknown instanceof ApiError && unknown.code === 400 && /unknown field "spec.replicaz"/.test(unknown.message), String(unknown));
    await assert.rejects(dryRunEdit(api.client, { ...deploymentRef, yaml: yaml.replace('name: edited', 'name: other') }), /the name of the object \(other\) does not match the name on the URL \(edited\)/);
    await assert.rejects(dryRunEdit(api.client, { ...deploymentRef, yaml: `${yaml}---\n${yaml}` }), /exactly one object, not 2/);
  });
});

describe('owned objects and what a delete takes with it', () => {
  let groups: ApiGroupKinds[];
  before(async () => {
    await createNamespace('impact');
    groups = await kinds();
  });

  test('a Deployment owns its ReplicaSet, which owns its pods: deleting it takes all three levels', async () => {
    const tree = await deploymentTree('impact', 'shop');
    const ref = { resource: deployments, namespace: 'impact', name: 'shop' };
    assert.deepEqual(
      (await ownedObjects(api.client, groups, ref)).map((o) => `${o.kind}/${o.name}`),
      ['ReplicaSet/shop-5d8f'],
    );
    const impact = await deleteImpact(api.client, groups, ref);
    assert.deepEqual(
      impact.objects.map((o) => `${o.depth} ${o.kind}/${o.name}`),
      ['1 ReplicaSet/shop-5d8f', '2 Pod/shop-5d8f-abcde', '2 Pod/shop-5d8f-fghij'],
    );
    assert.deepEqual(impact.counts, [
      { kind: 'Pod', count: 2 },
      { kind: 'ReplicaSet', count: 1 },
    ]);
    assert.equal(impact.total, 3);
    assert.equal(impact.orphaned, false);

    const orphan = await deleteImpact(api.client, groups, ref, 'Orphan');
    assert.equal(orphan.orphaned, true);
    assert.deepEqual(
      orphan.objects.map((o) => o.name),
      ['shop-5d8f'],
    );
    assert.ok(orphan.notes.some((n) => /stay, without their owner reference/.test(n)));
    const foreground = await deleteImpact(api.client, groups, ref, 'Foreground');
    assert.equal(foreground.total, 3);
    assert.ok(foreground.notes.some((n) => /Deployment shop stays, marked for deletion/.test(n)));

    // A pod another live object also owns is not garbage once the ReplicaSet goes.
    const keeper = await api.client.resource(configMaps).create('impact', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keeper' } });
    const pod = tree.pods[0]!;
    await api.client.resource(pods).update('impact', { ...pod, metadata: { ...pod.metadata, ownerReferences: [...pod.metadata.ownerReferences!, owned(keeper, 'v1', 'ConfigMap', false)] } });
    assert.deepEqual(
      (await deleteImpact(api.client, groups, ref)).objects.map((o) => o.name),
      ['shop-5d8f', 'shop-5d8f-fghij'],
    );
  });

  test('a namespace takes everything in it, counted by kind; a claim notes its volume and the pods using it', async () => {
    await createNamespace('doomed');
    await deploymentTree('doomed', 'api');
    await api.client.resource(configMaps).create('doomed', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'conf' } });
    await api.client.resource(volumes).create(undefined, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-data' },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete', hostPath: { path: '/tmp/pv-data' }, claimRef: { namespace: 'doomed', name: 'data' } },
    });
    await api.client.resource(claims).create('doomed', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeName: 'pv-data', storageClassName: '' },
    });
    await api.client.resource(pods).create('doomed', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'writer' }, spec: { ...podSpec, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } } as KubeObject);

    const impact = await deleteImpact(api.client, groups, { resource: namespaces, name: 'doomed' });
    const count = (kind: string) => impact.counts.find((c) => c.kind === kind)?.count;
    assert.equal(count('Pod'), 3);
    assert.equal(count('ReplicaSet'), 1);
    assert.equal(count('Deployment'), 1);
    assert.equal(count('PersistentVolumeClaim'), 1);
    assert.ok((count('ConfigMap') ?? 0) >= 1);
    assert.ok(impact.notes.some((n) => /Namespace doomed shows Terminating/.test(n)));
    assert.ok(impact.notes.some((n) => n === 'PersistentVolume pv-data (reclaim policy Delete) is deleted with claim doomed/data, and its data with it.'), impact.notes.join('\n'));

    const claimImpact = await deleteImpact(api.client, groups, { resource: claims, namespace: 'doomed', name: 'data' });
    assert.equal(claimImpact.total, 0);
    assert.ok(claimImpact.notes.some((n) => /Pods writer use this claim: kubernetes.io\/pvc-protection/.test(n)), claimImpact.notes.join('\n'));
    const volumeImpact = await deleteImpact(api.client, groups, { resource: volumes, name: 'pv-data' });
    assert.ok(volumeImpact.notes.some((n) => /bound to claim doomed\/data: kubernetes.io\/pv-protection/.test(n)), volumeImpact.notes.join('\n'));
  });
});

describe('line diff', () => {
  test('kept, removed and added lines, shortest first', () => {
    assert.deepEqual(lineDiff('a\nb\nc\n', 'a\nB\nc\n'), [
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'B' },
      { op: ' ', text: 'c' },
    ]);
    assert.deepEqual(lineDiff('', 'x\n'), [{ op: '+', text: 'x' }]);
    assert.deepEqual(lineDiff('x\ny\n', 'x\ny\n'), [
      { op: ' ', text: 'x' },
      { op: ' ', text: 'y' },
    ]);
    // Myers' example: ABCABBA → CBABAC in five edits.
    const d = lineDiff('A\nB\nC\nA\nB\nB\nA', 'C\nB\nA\nB\nA\nC');
    assert.equal(d.filter((l) => l.op !== ' ').length, 5);
  });

  test('any two texts: the old one read from kept and removed lines, the new one from kept and added', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const text = () => Array.from({ length: Math.floor(random() * 15) }, () => 'xyz'[Math.floor(random() * 3)]).join('\n');
    for (let i = 0; i < 500; i++) {
      const a = text();
      const b = text();
      const d = lineDiff(a, b);
      assert.equal(d.filter((l) => l.op !== '+').map((l) => l.text).join('\n'), a);
      assert.equal(d.filter((l) => l.op !== '-').map((l) => l.text).join('\n'), b);
    }
  });
});
