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
  assert.match(await refusal(job('always', {}, 'Always')), /spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"/);
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

test("podFailurePolicy and successPolicy: ValidateJob's words for each rule", async () => {
  const policy = (rules: unknown[]) => ({ podFailurePolicy: { rules } });
  assert.match(await refusal(job('on-failure', policy([{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1] } }]), 'OnFailure')), /spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified/);
  const both = await refusal(job('both', policy([{ action: 'Ignore', onExitCodes: { operator: 'In', values: [1] }, onPodConditions: [{ type: 'DisruptionTarget' }] }])));
  assert.match(both, /spec.podFailurePolicy.rules\[0\]: Invalid value: specifying both OnExitCodes and OnPodConditions is not supported/);
  assert.match(await refusal(job('neither', policy([{ action: 'Ignore' }]))), /spec.podFailurePolicy.rules\[0\]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required/);
  const codes = await refusal(job('codes', policy([{ action: 'Panic', onExitCodes: { containerName: 'nope', operator: 'In', values: [3, 0, 3] } }])));
  for (const expected of [
    'spec.podFailurePolicy.rules[0].action: Unsupported value: "Panic": supported values: "Count", "FailIndex", "FailJob", "Ignore"',
    'spec.podFailurePolicy.rules[0].onExitCodes.containerName: Invalid value: "nope": must be one of the container or initContainer names in the pod template',
    'spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator',
    'spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 3',
    'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{3, 0, 3}: must be ordered',
  ]) assert.ok(codes.includes(expected), `${expected}\nin ${codes}`);
  assert.match(await refusal(job('fail-index', policy([{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [1] } }]))), /spec.podFailurePolicy.rules\[0\].action: Invalid value: "FailIndex": requires the backoffLimitPerIndex to be set/);
  assert.match(await refusal(job('per-index', { backoffLimitPerIndex: 1 })), /spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode/);
  assert.match(await refusal(job('success-nonindexed', { successPolicy: { rules: [{ succeededCount: 1 }] } })), /spec.successPolicy: Invalid value: batch.SuccessPolicy\{.*\}: requires indexed completion mode/);
  const indexed = { completionMode: 'Indexed', completions: 3, parallelism: 3 };
  assert.match(await refusal(job('success-indexes', { ...indexed, successPolicy: { rules: [{ succeededIndexes: '0,5' }] } })), /spec.successPolicy.rules\[0\].succeededIndexes: Invalid value: "0,5": error parsing succeededIndexes: too large index: "5"/);
  assert.match(await refusal(job('success-order', { ...indexed, successPolicy: { rules: [{ succeededIndexes: '2,1' }] } })), /error parsing succeededIndexes: non-increasing order, previous: 2, current: 1/);
  assert.match(await refusal(job('success-count', { ...indexed, successPolicy: { rules: [{ succeededIndexes: '0-1', succeededCount: 3 }] } })), /spec.successPolicy.rules\[0\].succeededCount: Invalid value: 3: must be less than or equal to 2 \(the number of indexes in the specified succeededIndexes field\)/);
  assert.match(await refusal(job('success-empty', { ...indexed, successPolicy: { rules: [{}] } })), /spec.successPolicy.rules\[0\]: Required value: at least one of succeededCount or succeededIndexes must be specified/);
  const accepted = (await api.client.resource(jobs).create('default', job('good-policy', { ...indexed, backoffLimitPerIndex: 1, maxFailedIndexes: 1, successPolicy: { rules: [{ succeededIndexes: '0-1' }] }, ...policy([{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [42] } }, { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }]) }))) as KubeObject & { spec: Record<string, any> };
  assert.deepEqual([accepted.spec.backoffLimit, accepted.spec.podReplacementPolicy, accepted.spec.podFailurePolicy.rules[1].onPodConditions[0].status], [2147483647, 'Failed', 'True']);
});
