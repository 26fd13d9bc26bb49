// Jobs through the API: SetDefaults_Job, the generated selector and labels,
// ValidateJob's messages and what may not change, as Kubernetes has them.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const jobs = { group: 'batch', version: 'v1', plural: 'jobs' };
let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
});
after(() => api.close());

function job(name: string, spec: Record<string, unknown> = {}, restartPolicy = 'Never'): KubeObject {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: { template: { metadata: { labels: { app: 'x' } }, spec: { restartPolicy, containers: [{ name: 'c', image: 'busybox:1.36' }] } }, ...spec } } as KubeObject;
}

async function refusal(obj: KubeObject): Promise<string> {
  try {
    await api.client.resource(jobs).create('default', obj);
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
}

test('defaults: one completion, parallelism 1, backoffLimit 6, NonIndexed, not suspended; the selector and labels are generated from the uid and name', async () => {
  const created = (await api.client.resource(jobs).create('default', job('defaults'))) as KubeObject & { spec: Record<string, any> };
  const uid = created.metadata.uid!;
  assert.deepEqual(
    [created.spec.completions, created.spec.parallelism, created.spec.backoffLimit, created.spec.completionMode, created.spec.suspend, created.spec.podReplacementPolicy],
    [1, 1, 6, 'NonIndexed', false, 'TerminatingOrFailed'],
  );
  assert.deepEqual(created.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
  assert.deepEqual(created.spec.template.metadata.labels, { app: 'x', 'job-name': 'defaults', 'batch.kubernetes.io/job-name': 'defaults', 'controller-uid': uid, 'batch.kubernetes.io/controller-uid': uid });
  assert.deepEqual(created.metadata.labels, { app: 'x' }, "the template's labels as the Job's, when it has none");
});

test("ValidateJob's words: the restart policy, Indexed without completions, negative counts", async () => {
  assert.match(await refusal(job('always', {}, 'Always')), /spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"/);
  assert.match(await refusal(job('indexed', { completionMode: 'Indexed', parallelism: 2 })), /spec.completions: Required value: when completion mode is Indexed/);
  assert.match(await refusal(job('negative', { backoffLimit: -1 })), /spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0/);
});

test('the template and completions may not change; parallelism may', async () => {
  await api.client.resource(jobs).create('default', job('fixed', { completions: 3, parallelism: 1 }));
  await api.client.resource(jobs).patch('default', 'fixed', 'application/merge-patch+json', { spec: { parallelism: 2 } });
  await assert.rejects(api.client.resource(jobs).patch('default', 'fixed', 'application/merge-patch+json', { spec: { completions: 4 } }), /spec.completions: Invalid value: 4: field is immutable/);
  await assert.rejects(
    api.client.resource(jobs).patch('default', 'fixed', 'application/strategic-merge-patch+json', { spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox:1.37' }] } } } }),
    /spec.template: Invalid value: .*: field is immutable/,
  );
});
