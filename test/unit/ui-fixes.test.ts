// The debugger's fixes against a real (in-process) API server: previewed by
// its dry run, applied where a person would change things (the Deployment's
// template, a raw pod replaced, a missing object created), recorded on the
// pod's events, and never offered when the dry run refuses them.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Fix } from '../../preload/api.ts';
import { adminUser } from '../../main/apiserver/auth/user.ts';
import { catalogKindResolver } from '../../main/ui/apply/kindResolver.ts';
import { diagnose } from '../../main/ui/diagnose.ts';
import { applyFix, previewFix } from '../../main/ui/fixes/applyFix.ts';
import { checkFix } from '../../main/ui/fixes/checkFix.ts';
import { unavailablePodStreams } from '../../main/ui/podStreams.ts';
import type { ClusterConnection } from '../../main/ui/uiHost.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { lineDiff } from '../../main/ui/resources/lineDiff.ts';
import { freshJob } from '../../main/insight/jobRerun.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

let api: InProcessApi;
let connection: ClusterConnection;
const pods = { group: '', version: 'v1', plural: 'pods' };
// :latest defaults imagePullPolicy to Always, which the fixes below change.
const container = { name: 'web', image: 'busybox:latest', command: ['sleep', '3600'], resources: { requests: { memory: '32Mi' }, limits: { memory: '64Mi' } } };

before(async () => {
  api = await startInProcessApi();
  connection = { client: api.client, kinds: catalogKindResolver(api.api.catalog), discovery: api.api.discoveryClient(adminUser), tables: api.api.tableClient(adminUser), streams: unavailablePodStreams, nodes: undefined as never };
  await api.client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
});
after(() => api.close());

const pullPolicyFix: Fix = { title: 'Use the node copy', explanation: '', changes: [{ action: 'podSpec', patch: { containers: [{ name: 'web', imagePullPolicy: 'IfNotPresent' }] } }] };

/** A Deployment with its ReplicaSet and one pod, owned as the controllers would own them. */
async function deployment(name: string): Promise<{ deploy: KubeObject; pod: KubeObject }> {
  const labels = { app: name };
  const template = { metadata: { labels }, spec: { containers: [container] } };
  const deploy = await api.client.resource({ group: 'apps', version: 'v1', plural: 'deployments' }).create('shop', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name }, spec: { replicas: 1, selector: { matchLabels: labels }, template } } as never);
  const owner = (o: KubeObject) => [{ apiVersion: o.apiVersion!, kind: o.kind!, name: o.metadata.name!, uid: o.metadata.uid!, controller: true }];
  const rs = await api.client.resource({ group: 'apps', version: 'v1', plural: 'replicasets' }).create('shop', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `${name}-abc`, ownerReferences: owner(deploy) }, spec: { replicas: 1, selector: { matchLabels: labels }, template } } as never);
  const pod = await api.client.resource(pods).create('shop', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${name}-abc-x1`, labels, ownerReferences: owner(rs) }, spec: { containers: [container] } } as never);
  return { deploy, pod };
}

test('a pod spec fix lands on the Deployment template, previewed as a diff, applied, and recorded on the pod', async () => {
  const { pod } = await deployment('web');
  const request = { namespace: 'shop', pod: pod.metadata.name!, fix: pullPolicyFix };
  const preview = await previewFix(connection.client, connection.kinds, request);
  assert.equal(preview.refused, undefined);
  assert.deepEqual(preview.steps.map((s) => [s.verb, s.kind, s.name]), [['patch', 'Deployment', 'web']]);
  const added = lineDiff(preview.steps[0]!.before, preview.steps[0]!.after).filter((l) => l.op === '+').map((l) => l.text.trim());
  assert.ok(added.includes('imagePullPolicy: IfNotPresent'), added.join('\n'));
  const stored = (await api.client.resource({ group: 'apps', version: 'v1', plural: 'deployments' }).get('shop', 'web')) as never as { metadata: KubeObject['metadata']; spec: { template: { spec: { containers: { imagePullPolicy?: string }[] } } } };
  assert.equal(stored.spec.template.spec.containers[0]!.imagePullPolicy, 'Always', 'the dry run stores nothing');

  const applied = await applyFix(connection.client, connection.kinds, request);
  assert.equal(applied.ownerUid, stored.metadata.uid);
  const after = (await api.client.resource({ group: 'apps', version: 'v1', plural: 'deployments' }).get('shop', 'web')) as never as { spec: { template: { spec: { containers: { imagePullPolicy?: string }[] } } } };
  assert.equal(after.spec.template.spec.containers[0]!.imagePullPolicy, 'IfNotPresent');
  const events = await api.client.resource({ group: '', version: 'v1', plural: 'events' }).list('shop', { fieldSelector: `involvedObject.name=${pod.metadata.name}` });
  assert.ok(events.items.some((e) => (e as never as { reason: string; message: string }).reason === 'FixApplied' && /patched Deployment web/.test((e as never as { message: string }).message)));
});

test('the dry run of an unchanged template stores nothing', async () => {
  const { pod } = await deployment('still');
  const before = await api.client.resource({ group: 'apps', version: 'v1', plural: 'deployments' }).get('shop', 'still');
  await previewFix(connection.client, connection.kinds, { namespace: 'shop', pod: pod.metadata.name!, fix: pullPolicyFix });
  const after = await api.client.resource({ group: 'apps', version: 'v1', plural: 'deployments' }).get('shop', 'still');
  assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
});

test('a pod no controller owns is replaced with the change; the check waits for it, then finds the finding gone', async () => {
  await api.client.resource(pods).create('shop', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'raw', labels: { keep: 'me' } }, spec: { containers: [container] } } as never);
  const preview = await previewFix(connection.client, connection.kinds, { namespace: 'shop', pod: 'raw', fix: pullPolicyFix });
  assert.deepEqual(preview.steps.map((s) => [s.verb, s.kind, s.name]), [['replace', 'Pod', 'raw']]);
  const applied = await applyFix(connection.client, connection.kinds, { namespace: 'shop', pod: 'raw', fix: pullPolicyFix });
  const replaced = (await api.client.resource(pods).get('shop', 'raw')) as never as { metadata: KubeObject['metadata']; spec: { containers: { imagePullPolicy?: string }[] } };
  assert.equal(replaced.spec.containers[0]!.imagePullPolicy, 'IfNotPresent');
  assert.deepEqual(replaced.metadata.labels, { keep: 'me' });
  // No kubelet runs here: the replacement is never Ready, so the check keeps waiting rather than claiming success.
  const check = await checkFix(connection.client, (ns, name) => diagnose(connection, ns, name), { namespace: 'shop', pod: 'raw', rule: 'image-pull', title: 'x', appliedAt: applied.appliedAt });
  assert.equal(check.state, 'waiting');
  assert.equal(check.pod, 'raw');
});

test('a fix the dry run refuses is reported as refused and never offered by the debugger', async () => {
  const { pod } = await deployment('tight');
  // A limit below the container's 32Mi request: validation refuses it.
  const bad: Fix = { title: 'Too small', explanation: '', changes: [{ action: 'podSpec', patch: { containers: [{ name: 'web', resources: { limits: { memory: '16Mi' } } }] } }] };
  const preview = await previewFix(connection.client, connection.kinds, { namespace: 'shop', pod: pod.metadata.name!, fix: bad });
  assert.match(preview.refused ?? '', /must be less than or equal to memory limit/);

  // A pod whose missing ConfigMap the debugger offers to create: its fix passes the dry run and is offered.
  await api.client.resource(pods).create('shop', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'needs-config' },
    spec: { nodeName: 'nowhere', containers: [{ ...container, env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'mode' } } }] }] },
    status: {},
  } as never);
  const podNow = await api.client.resource(pods).get('shop', 'needs-config');
  await api.client.resource(pods).updateStatus('shop', {
    ...podNow,
    status: { ...(podNow as never as { status: object }).status, phase: 'Pending', containerStatuses: [{ name: 'web', image: 'busybox:1.36', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "app-config" not found' } } }] },
  } as never);
  const diagnosis = await diagnose(connection, 'shop', 'needs-config');
  const missing = diagnosis.findings.find((f) => f.rule === 'missing-config');
  assert.ok(missing?.fixes?.length === 1, JSON.stringify(diagnosis.findings.map((f) => [f.rule, f.fixes?.length])));
  assert.deepEqual((missing.fixes[0]!.changes[0] as unknown as { object: { data: object } }).object.data, { mode: '' });

  // With the ConfigMap already there, creating it again is refused (AlreadyExists): the fix is no longer offered.
  await api.client.resource({ group: '', version: 'v1', plural: 'configmaps' }).create('shop', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { mode: 'x' } } as never);
  const again = await diagnose(connection, 'shop', 'needs-config');
  assert.equal(again.findings.find((f) => f.rule === 'missing-config')?.fixes, undefined);
});

test('an edit to what a pod cannot change: refused in place, then the bare pod replaced with it; a controlled pod is sent to its controller', async () => {
  const { dryRunEdit, replaceEditedPod } = await import('../../main/ui/resources/edit.ts');
  const { stringify } = await import('yaml');
  await api.client.resource(pods).create('shop', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'editme' }, spec: { containers: [container] } } as never);
  const live = (await api.client.resource(pods).get('shop', 'editme')) as never as { metadata: KubeObject['metadata']; spec: { containers: { command: string[] }[] } };
  live.spec.containers[0]!.command = ['sleep', '7200'];
  const request = { resource: pods, namespace: 'shop', name: 'editme', yaml: stringify(live) };
  await assert.rejects(dryRunEdit(api.client, request), /pod updates may not change fields/);

  const checked = await replaceEditedPod(api.client, request, true);
  assert.ok(checked.diff.some((l) => l.op === '+' && l.text.includes('7200')));
  assert.deepEqual(((await api.client.resource(pods).get('shop', 'editme')) as never as { spec: { containers: { command: string[] }[] } }).spec.containers[0]!.command, ['sleep', '3600'], 'the check changes nothing');
  await replaceEditedPod(api.client, request, false);
  const replaced = (await api.client.resource(pods).get('shop', 'editme')) as never as { metadata: KubeObject['metadata']; spec: { containers: { command: string[] }[] } };
  assert.deepEqual(replaced.spec.containers[0]!.command, ['sleep', '7200']);
  assert.notEqual(replaced.metadata.uid, live.metadata.uid);

  const { pod } = await deployment('owned');
  const ownedYaml = stringify(await api.client.resource(pods).get('shop', pod.metadata.name!));
  await assert.rejects(replaceEditedPod(api.client, { resource: pods, namespace: 'shop', name: pod.metadata.name!, yaml: ownedYaml }, true), /belongs to ReplicaSet owned-abc: change the pod template there/);
});

test('a Job run again is replaced as kubectl replace --force does, and a patch guarded by a stale version is refused by the dry run', async () => {
  const jobs = { group: 'batch', version: 'v1', plural: 'jobs' };
  const configMaps = { group: '', version: 'v1', plural: 'configmaps' };
  const job = await api.client.resource(jobs).create('shop', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate' }, spec: { backoffLimit: 0, template: { metadata: { labels: { app: 'migrate' } }, spec: { restartPolicy: 'Never', containers: [container] } } } } as never);
  const rerun: Fix = {
    title: 'Create the key and run the Job again',
    explanation: '',
    changes: [
      { action: 'create', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'migrate-config', namespace: 'shop' }, data: { DATABASE_URL: 'change-me' } } as never },
      { action: 'replace', object: freshJob(job) },
    ],
  };
  const preview = await previewFix(connection.client, connection.kinds, { namespace: 'shop', pod: '', fix: rerun });
  assert.equal(preview.refused, undefined);
  assert.deepEqual(preview.steps.map((s) => [s.verb, s.kind, s.name]), [['create', 'ConfigMap', 'migrate-config'], ['replace', 'Job', 'migrate']]);
  assert.equal((await api.client.resource(jobs).get('shop', 'migrate')).metadata.uid, job.metadata.uid, 'the dry run replaces nothing');

  const applied = await applyFix(connection.client, connection.kinds, { namespace: 'shop', pod: '', fix: rerun });
  const again = await api.client.resource(jobs).get('shop', 'migrate');
  assert.notEqual(again.metadata.uid, job.metadata.uid);
  assert.equal(applied.ownerUid, again.metadata.uid, 'the new Job\'s pods are the ones to check');

  const stored = await api.client.resource(configMaps).get('shop', 'migrate-config');
  const guarded = (version: string): Fix => ({ title: 'Add a key', explanation: '', changes: [{ action: 'patch', target: { apiVersion: 'v1', kind: 'ConfigMap', name: 'migrate-config', namespace: 'shop' }, patch: [{ op: 'test', path: '/metadata/resourceVersion', value: version }, { op: 'add', path: '/data/MODE', value: 'x' }] }] });
  assert.equal((await previewFix(connection.client, connection.kinds, { namespace: 'shop', pod: '', fix: guarded(stored.metadata.resourceVersion!) })).refused, undefined);
  assert.ok((await previewFix(connection.client, connection.kinds, { namespace: 'shop', pod: '', fix: guarded('1') })).refused);
});
