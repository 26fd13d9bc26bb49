// ResourceQuota and LimitRange through the API, in Kubernetes' words: a pod
// must name what a quota limits, a pod past the quota is refused and the
// quota's used is charged at admission; LimitRange defaults are written into
// new pods with the limit-ranger annotation, and its maximum refuses.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const pods = { group: '', version: 'v1', plural: 'pods' };
const quotas = { group: '', version: 'v1', plural: 'resourcequotas' };
const limitRanges = { group: '', version: 'v1', plural: 'limitranges' };
const namespaces = { group: '', version: 'v1', plural: 'namespaces' };
let api: InProcessApi;

before(async () => {
  api = await startInProcessApi();
  for (const name of ['quota', 'limits']) await api.client.resource(namespaces).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KubeObject);
});
after(() => api.close());

function pod(name: string, resources?: Record<string, Record<string, string>>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'main', image: 'busybox:1.36', ...(resources ? { resources } : {}) }] } } as KubeObject;
}

test('a quota refuses a pod that does not name what it limits, then one past its hard limit, charging the ones it admits', async () => {
  await api.client.resource(quotas).create('quota', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'small' }, spec: { hard: { pods: '2', 'requests.cpu': '1' } } } as KubeObject);
  await assert.rejects(api.client.resource(pods).create('quota', pod('bare')), /pods "bare" is forbidden: failed quota: small: must specify requests.cpu for: main$/);
  for (const name of ['one', 'two']) await api.client.resource(pods).create('quota', pod(name, { requests: { cpu: '300m' } }));
  const quota = await api.client.resource(quotas).get('quota', 'small');
  assert.deepEqual((quota.status as { used?: Record<string, string> }).used, { pods: '2', 'requests.cpu': '600m' });
  await assert.rejects(api.client.resource(pods).create('quota', pod('three', { requests: { cpu: '300m' } })), /pods "three" is forbidden: exceeded quota: small, requested: pods=1, used: pods=2, limited: pods=2/);
  const table = await api.api.catalog.registry('', 'v1', 'resourcequotas')!.get('quota', 'small');
  assert.ok(table);
});

test('LimitRange defaults land in a new pod with the annotation; its maximum refuses a bigger limit', async () => {
  await api.client.resource(limitRanges).create('limits', {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name: 'defaults' },
    spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '200m' }, max: { cpu: '1' }, maxLimitRequestRatio: { cpu: '4' } }] },
  } as KubeObject);
  const created = await api.client.resource(pods).create('limits', pod('defaulted'));
  const container = (created.spec as { containers: Array<{ resources: unknown }> }).containers[0]!;
  assert.deepEqual(container.resources, { limits: { cpu: '500m' }, requests: { cpu: '200m' } });
  assert.equal(created.metadata.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu request for container main; cpu limit for container main');
  await assert.rejects(api.client.resource(pods).create('limits', pod('big', { limits: { cpu: '2' } })), /pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2/);
  await assert.rejects(
    api.client.resource(pods).create('limits', pod('spiky', { requests: { cpu: '100m' }, limits: { cpu: '800m' } })),
    /pods "spiky" is forbidden: cpu max limit to request ratio per Container is 4, but provided ratio is 8.000000/,
  );
});

test('a quota with a PriorityClass scopeSelector counts only the pods of those classes', async () => {
  await api.client.resource(namespaces).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'scoped' } } as KubeObject);
  for (const [name, value] of [['quota-high', 1000], ['quota-low', 10]] as const) {
    await api.client.resource({ group: 'scheduling.k8s.io', version: 'v1', plural: 'priorityclasses' }).create(undefined, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value } as KubeObject);
  }
  const scopeSelector = { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['quota-high'] }] };
  await api.client.resource(quotas).create('scoped', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'pods-high' }, spec: { hard: { pods: '1' }, scopeSelector } } as KubeObject);
  const withClass = (name: string, priorityClassName?: string) => ({ ...pod(name), spec: { ...(pod(name).spec as object), ...(priorityClassName ? { priorityClassName } : {}) } }) as KubeObject;
  await api.client.resource(pods).create('scoped', withClass('high-1', 'quota-high'));
  for (const name of ['low-1', 'low-2']) await api.client.resource(pods).create('scoped', withClass(name, 'quota-low'));
  await api.client.resource(pods).create('scoped', withClass('plain'));
  await assert.rejects(api.client.resource(pods).create('scoped', withClass('high-2', 'quota-high')), /pods "high-2" is forbidden: exceeded quota: pods-high, requested: pods=1, used: pods=1, limited: pods=1/);
  const refusal = async (expressions: unknown[]) => {
    try {
      await api.client.resource(quotas).create('scoped', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'bad' }, spec: { hard: { pods: '1' }, scopeSelector: { matchExpressions: expressions } } } as KubeObject);
      return 'accepted';
    } catch (err) {
      return (err as Error).message;
    }
  };
  assert.match(await refusal([{ scopeName: 'PriorityClass', operator: 'In' }]), /spec.scopeSelector.matchExpressions.values: Required value: must be at least one value when `operator` is 'In' or 'NotIn' for scope selector/);
  assert.match(await refusal([{ scopeName: 'BestEffort', operator: 'In', values: ['x'] }]), /spec.scopeSelector.matchExpressions.operator: Invalid value: "In": must be 'Exist' when scope is any of ResourceQuotaScopeTerminating/);
  assert.match(await refusal([{ scopeName: 'Gold', operator: 'Exists' }]), /spec.scopeSelector.matchExpressions.scopeName: Invalid value: "Gold": unsupported scope/);
});
