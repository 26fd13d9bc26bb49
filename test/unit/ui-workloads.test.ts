// The Workloads view's actions against a real (in-process) API server:
// running a CronJob now as `kubectl create job --from=cronjob/NAME` does,
// suspending it, and rolling a DaemonSet back through its ControllerRevisions
// as `kubectl rollout undo ds/NAME` does.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { history, manualJobName, rollback, setSuspended, triggerCronJob } from '../../main/ui/workloads.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const cronjobs = { group: 'batch', version: 'v1', plural: 'cronjobs' };
const jobs = { group: 'batch', version: 'v1', plural: 'jobs' };
const daemonsets = { group: 'apps', version: 'v1', plural: 'daemonsets' };
const revisions = { group: 'apps', version: 'v1', plural: 'controllerrevisions' };

let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
});
after(() => api.close());

const template = (image: string) => ({ metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'agent', image }] } });

test('a manual run is named <cronjob>-manual-<suffix> within the 63 characters a job-name label allows', () => {
  assert.equal(manualJobName('report', 'abcde'), 'report-manual-abcde');
  assert.equal(manualJobName('x'.repeat(60), 'abcde').length, 63);
});

test('run now creates a Job from the CronJob template, owned by it and marked manual; suspend sets spec.suspend', async () => {
  const cronJob = await api.client.resource(cronjobs).create('default', {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'report' },
    spec: {
      schedule: '*/5 * * * *',
      jobTemplate: { metadata: { labels: { team: 'a' }, annotations: { note: 'nightly' } }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'r', image: 'busybox:1.36' }] } } } },
    },
  } as KubeObject);
  const ref = { resource: cronjobs, namespace: 'default', name: 'report' };
  const { job } = await triggerCronJob(api.client, ref);
  assert.match(job, /^report-manual-[0-9a-f]{5}$/);
  const created = await api.client.resource(jobs).get('default', job);
  assert.deepEqual(created.metadata.annotations, { 'cronjob.kubernetes.io/instantiate': 'manual', note: 'nightly' });
  assert.equal(created.metadata.labels?.team, 'a');
  assert.deepEqual(
    created.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid, o.controller]),
    [['CronJob', 'report', cronJob.metadata.uid, true]],
  );
  await setSuspended(api.client, ref, true);
  assert.equal(((await api.client.resource(cronjobs).get('default', 'report')).spec as { suspend?: boolean }).suspend, true);
  await assert.rejects(setSuspended(api.client, { resource: daemonsets, namespace: 'default', name: 'report' }, true), /CronJobs and Jobs/);
});

test('a DaemonSet rolls back to the template its ControllerRevision holds', async () => {
  const ds = await api.client.resource(daemonsets).create('default', {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: template('busybox:1.37') },
  } as KubeObject);
  const owner = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: ds.metadata.uid!, controller: true }];
  for (const [revision, image] of [
    [1, 'busybox:1.36'],
    [2, 'busybox:1.37'],
  ] as const) {
    await api.client.resource(revisions).create('default', {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: `agent-r${revision}`, ownerReferences: owner },
      revision,
      data: { spec: { template: { ...template(image), $patch: 'replace' } } },
    } as KubeObject);
  }
  const ref = { resource: daemonsets, namespace: 'default', name: 'agent' };
  assert.deepEqual(
    (await history(api.client, ref)).map((r) => [r.revision, r.source, r.images, r.current]),
    [
      [1, 'agent-r1', ['busybox:1.36'], false],
      [2, 'agent-r2', ['busybox:1.37'], true],
    ],
  );
  assert.deepEqual(await rollback(api.client, ref), { revision: 1 });
  const rolledBack = (await api.client.resource(daemonsets).get('default', 'agent')) as KubeObject & { spec: { template: { spec: { containers: Array<{ image: string }> } } } };
  assert.equal(rolledBack.spec.template.spec.containers[0]!.image, 'busybox:1.36');
  await assert.rejects(rollback(api.client, ref, 7), /unable to find the specified revision 7/);
});
