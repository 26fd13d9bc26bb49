// What users ask the authorizer directly (access reviews, rules reviews, who
// am I), impersonation, and the API server's memory of denials that the
// debugger reads.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { impersonate } from '../../main/apiserver/auth/impersonation.ts';
import { serviceAccountUserInfo } from '../../main/apiserver/auth/serviceAccountUser.ts';
import { adminUser, type UserInfo } from '../../main/apiserver/auth/user.ts';
import { isApiError, type KubeClient } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { ensureBootstrapPolicy } from '../../main/cluster/bootstrapPolicy.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const rbac = { group: 'rbac.authorization.k8s.io', version: 'v1' };
const authorization = { group: 'authorization.k8s.io', version: 'v1' };
const sa = serviceAccountUserInfo({ namespace: 'shop', name: 'api', uid: 'sa-uid', podName: 'web-1', podUid: 'pod-uid' });

describe('reviews, impersonation and remembered denials', () => {
  let api: InProcessApi;
  let asSa: KubeClient;

  const review = (client: KubeClient, plural: string, spec: unknown, namespace?: string) =>
    client.resource({ ...authorization, plural }).create(namespace, { metadata: {}, spec } as KubeObject);
  const canI = async (client: KubeClient, resourceAttributes: Record<string, string>) => (await review(client, 'selfsubjectaccessreviews', { resourceAttributes })).status as { allowed: boolean; reason?: string };

  before(async () => {
    api = await startInProcessApi(() => new Date('2025-03-01T10:00:00Z'));
    await ensureBootstrapPolicy(api.client);
    await api.client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, { metadata: { name: 'shop' } });
    asSa = api.api.client(sa);
  });
  after(() => api.close());

  it('SelfSubjectAccessReview answers for the requester, as `kubectl auth can-i` asks', async () => {
    const answer = await review(asSa, 'selfsubjectaccessreviews', { resourceAttributes: { namespace: 'shop', verb: 'list', resource: 'pods' } });
    assert.equal(answer.apiVersion, 'authorization.k8s.io/v1');
    assert.equal(answer.kind, 'SelfSubjectAccessReview');
    assert.deepEqual(answer.status, { allowed: false });
    assert.deepEqual((await canI(api.client, { namespace: 'shop', verb: 'list', resource: 'pods' })), { allowed: true });
    await assert.rejects(review(asSa, 'selfsubjectaccessreviews', {}), (err) => isApiError(err, 'Invalid') && /exactly one of nonResourceAttributes or resourceAttributes must be specified/.test(err.message));
  });

  it('SubjectAccessReview asks about anyone, exactly as given', async () => {
    const answer = await review(api.client, 'subjectaccessreviews', { user: 'someone', groups: ['system:masters'], nonResourceAttributes: { path: '/metrics', verb: 'get' } });
    assert.deepEqual(answer.status, { allowed: true });
    const noGroups = await review(api.client, 'subjectaccessreviews', { user: 'someone', nonResourceAttributes: { path: '/version', verb: 'get' } });
    assert.deepEqual(noGroups.status, { allowed: false }, 'no system:authenticated is added');
    await assert.rejects(review(asSa, 'subjectaccessreviews', { user: 'x', resourceAttributes: { verb: 'get', resource: 'pods' } }), (err) => isApiError(err, 'Forbidden'));
  });

  it('remembers a 403 per user, with its count and the pod its token was bound to, until the same request is allowed', async () => {
    for (let i = 0; i < 3; i++) await assert.rejects(asSa.resource({ group: '', version: 'v1', plural: 'pods' }).list('shop'), (err) => isApiError(err, 'Forbidden'));
    const [denial] = api.api.denials.recent(sa.name);
    assert.deepEqual(denial, {
      user: 'system:serviceaccount:shop:api',
      message: 'pods is forbidden: User "system:serviceaccount:shop:api" cannot list resource "pods" in API group "" in the namespace "shop"',
      verb: 'list',
      isResourceRequest: true,
      group: '',
      resource: 'pods',
      subresource: '',
      namespace: 'shop',
      name: '',
      pod: 'web-1',
      count: 3,
      firstAt: '2025-03-01T10:00:00.000Z',
      lastAt: '2025-03-01T10:00:00.000Z',
    });
    // Access reviews are questions, not requests: their "no" is never remembered (the earlier 403 creating a SubjectAccessReview is).
    assert.deepEqual(
      api.api.denials.recent(sa.name).map((d) => d.resource),
      ['pods', 'subjectaccessreviews'],
    );

    await api.client.resource({ ...rbac, plural: 'roles' }).create('shop', { metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }] });
    await api.client.resource({ ...rbac, plural: 'rolebindings' }).create('shop', { metadata: { name: 'api-reads-pods' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'api', namespace: 'shop' }] });
    assert.deepEqual(await canI(asSa, { namespace: 'shop', verb: 'list', resource: 'pods' }), { allowed: true, reason: 'RBAC: allowed by RoleBinding "api-reads-pods/shop" of Role "pod-reader" to ServiceAccount "api/shop"' });
    await asSa.resource({ group: '', version: 'v1', plural: 'pods' }).list('shop');
    assert.equal(api.api.denials.recent(sa.name)[0]!.resolvedAt, '2025-03-01T10:00:00.000Z');
  });

  it('SelfSubjectRulesReview lists the rules the requester holds in a namespace', async () => {
    const answer = await asSa.resource({ ...authorization, plural: 'selfsubjectrulesreviews' }).create(undefined, { metadata: {}, spec: { namespace: 'shop' } } as KubeObject);
    const status = answer.status as { resourceRules: Array<{ resources: string[]; verbs: string[] }>; nonResourceRules: Array<{ nonResourceURLs: string[] }>; incomplete: boolean };
    assert.ok(status.resourceRules.some((r) => r.resources.includes('pods') && r.verbs.includes('list')));
    assert.ok(status.resourceRules.some((r) => r.resources.includes('selfsubjectaccessreviews')));
    assert.ok(status.nonResourceRules.some((r) => r.nonResourceURLs.includes('/version')));
    assert.equal(status.incomplete, false);
    await assert.rejects(asSa.resource({ ...authorization, plural: 'selfsubjectrulesreviews' }).create(undefined, { metadata: {}, spec: {} } as KubeObject), /no namespace on request/);
  });

  it('SelfSubjectReview says who the server takes the requester for', async () => {
    const answer = await asSa.resource({ group: 'authentication.k8s.io', version: 'v1', plural: 'selfsubjectreviews' }).create(undefined, { metadata: {} } as KubeObject);
    assert.deepEqual(answer.status, { userInfo: { username: sa.name, uid: 'sa-uid', groups: sa.groups, extra: sa.extra } });
  });

  it('impersonation needs the impersonate verb on the user, or the service account, and each group', async () => {
    const chain = { authorize: (attrs: Parameters<typeof api.api.rbac.authorize>[0]) => (attrs.user.groups.includes('system:masters') ? { allowed: true, reason: '' } : api.api.rbac.authorize(attrs)) };
    assert.deepEqual(await impersonate(adminUser, { 'impersonate-user': 'system:serviceaccount:shop:api' }, chain), {
      name: 'system:serviceaccount:shop:api',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated'],
    });
    assert.deepEqual(await impersonate(adminUser, { 'impersonate-user': 'bob', 'impersonate-group': ['devs', 'ops'] }, chain), { name: 'bob', groups: ['devs', 'ops', 'system:authenticated'] });
    const bob: UserInfo = { name: 'bob', groups: ['system:authenticated'] };
    await assert.rejects(impersonate(bob, { 'impersonate-user': 'alice' }, chain), (err) => {
      assert.equal((err as Error).message, 'users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope');
      return true;
    });
    await assert.rejects(impersonate(bob, { 'impersonate-user': 'system:serviceaccount:shop:api' }, chain), /serviceaccounts "api" is forbidden: User "bob" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "shop"/);
  });
});
