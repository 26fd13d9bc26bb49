// RBAC escalation prevention: nobody grants through a Role, ClusterRole or
// binding what they do not hold, unless they may `escalate` or `bind`;
// system:masters is exempt. The coverage check first, then through the API.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compactRules, compactString, covers } from '../../main/apiserver/auth/rbac/policyComparator.ts';
import type { UserInfo } from '../../main/apiserver/auth/user.ts';
import { isApiError, type KubeClient } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

describe('whether rules cover others', () => {
  it('breaks the wanted rules down and finds each piece in one owned rule', () => {
    const owned = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', '*/status'] }];
    assert.equal(covers(owned, [{ verbs: ['list'], apiGroups: [''], resources: ['pods'] }]).covered, true);
    assert.equal(covers(owned, [{ verbs: ['get'], apiGroups: [''], resources: ['deployments/status'] }]).covered, true);
    const { covered, missing } = covers(owned, [{ verbs: ['get', 'watch'], apiGroups: [''], resources: ['pods', 'services'] }]);
    assert.equal(covered, false);
    assert.deepEqual(missing.map(compactString), [
      '{APIGroups:[""], Resources:["pods"], Verbs:["watch"]}',
      '{APIGroups:[""], Resources:["services"], Verbs:["get"]}',
      '{APIGroups:[""], Resources:["services"], Verbs:["watch"]}',
    ]);
    assert.deepEqual(compactRules(missing).map(compactString), ['{APIGroups:[""], Resources:["pods"], Verbs:["watch"]}', '{APIGroups:[""], Resources:["services"], Verbs:["get" "watch"]}']);
  });

  it('treats resourceNames and URLs as narrower grants', () => {
    const named = [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['tls'] }];
    assert.equal(covers(named, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['tls'] }]).covered, true);
    assert.equal(covers(named, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]).covered, false);
    assert.equal(covers([{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/apis/apps'] }]).covered, true);
    assert.equal(covers([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], [{ verbs: ['get'], nonResourceURLs: ['/version'] }]).covered, false);
  });
});

const rbac = { group: 'rbac.authorization.k8s.io', version: 'v1' };
const bob: UserInfo = { name: 'bob', groups: ['system:authenticated'] };

describe('writing RBAC objects', () => {
  let api: InProcessApi;
  let asBob: KubeClient;

  const role = (name: string, rules: unknown[], extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name }, rules, ...extra });
  const roleBinding = (name: string, roleRef: { kind: string; name: string }): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects: [{ kind: 'User', name: 'carol', apiGroup: 'rbac.authorization.k8s.io' }],
  });
  const clusterRole = (name: string, rules: unknown[]): KubeObject => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules });
  const forbidden = async (work: Promise<unknown>): Promise<string> => {
    try {
      await work;
    } catch (err) {
      assert.ok(isApiError(err, 'Forbidden'), String(err));
      return err.message;
    }
    assert.fail('was allowed');
  };

  before(async () => {
    api = await startInProcessApi();
    asBob = api.api.client(bob);
    await api.client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, { metadata: { name: 'shop' } });
    const clusterRoles = api.client.resource({ ...rbac, plural: 'clusterroles' });
    await clusterRoles.create(undefined, clusterRole('pod-admin', [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }]));
    await clusterRoles.create(undefined, clusterRole('rbac-writer', [{ verbs: ['create', 'update', 'patch', 'get'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings', 'clusterroles'] }]));
    await clusterRoles.create(undefined, clusterRole('secret-reader', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]));
    const crbs = api.client.resource({ ...rbac, plural: 'clusterrolebindings' });
    for (const name of ['pod-admin', 'rbac-writer']) {
      await crbs.create(undefined, { metadata: { name: `bob-${name}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: [{ kind: 'User', name: 'bob', apiGroup: 'rbac.authorization.k8s.io' }] });
    }
  });
  after(() => api.close());

  it('lets a user grant what they hold', async () => {
    await asBob.resource({ ...rbac, plural: 'roles' }).create('shop', role('pod-reader', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }]));
    await asBob.resource({ ...rbac, plural: 'rolebindings' }).create('shop', roleBinding('carol-pods', { kind: 'ClusterRole', name: 'pod-admin' }));
  });

  it('refuses a Role granting more, naming what is missing', async () => {
    const message = await forbidden(asBob.resource({ ...rbac, plural: 'roles' }).create('shop', role('secrets', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['secrets', 'pods'] }])));
    assert.equal(
      message,
      'roles.rbac.authorization.k8s.io "secrets" is forbidden: user "bob" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}',
    );
  });

  it('refuses a binding to a role whose rules the user lacks, or to a role that does not exist', async () => {
    const bindings = asBob.resource({ ...rbac, plural: 'rolebindings' });
    assert.match(await forbidden(bindings.create('shop', roleBinding('carol-secrets', { kind: 'ClusterRole', name: 'secret-reader' }))), /^rolebindings\.rbac\.authorization\.k8s\.io "carol-secrets" is forbidden: user "bob" .* not currently held:\n\{APIGroups:\[""\], Resources:\["secrets"\], Verbs:\["get"\]\}$/);
    assert.equal(await forbidden(bindings.create('shop', roleBinding('carol-x', { kind: 'Role', name: 'nope' }))), 'rolebindings.rbac.authorization.k8s.io "carol-x" is forbidden: role.rbac.authorization.k8s.io "nope" not found');
  });

  it('lets `bind` on the role, and `escalate` on roles, through', async () => {
    const clusterRoles = api.client.resource({ ...rbac, plural: 'clusterroles' });
    await clusterRoles.create(undefined, clusterRole('binder', [{ verbs: ['bind'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: ['secret-reader'] }, { verbs: ['escalate'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] }]));
    await api.client.resource({ ...rbac, plural: 'rolebindings' }).create('shop', { ...roleBinding('bob-binds', { kind: 'ClusterRole', name: 'binder' }), subjects: [{ kind: 'User', name: 'bob', apiGroup: 'rbac.authorization.k8s.io' }] });
    await asBob.resource({ ...rbac, plural: 'rolebindings' }).create('shop', roleBinding('carol-secrets', { kind: 'ClusterRole', name: 'secret-reader' }));
    await asBob.resource({ ...rbac, plural: 'roles' }).create('shop', role('everything', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]));
    // Only in shop: the grants are RoleBinding-scoped.
    await api.client.resource({ group: '', version: 'v1', plural: 'namespaces' }).create(undefined, { metadata: { name: 'other' } });
    await forbidden(asBob.resource({ ...rbac, plural: 'roles' }).create('other', role('everything', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }])));
  });

  it('takes full authority to set an aggregationRule', async () => {
    const aggregated = { ...clusterRole('aggregate', []), aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] } };
    assert.equal(await forbidden(asBob.resource({ ...rbac, plural: 'clusterroles' }).create(undefined, aggregated)), 'clusterroles.rbac.authorization.k8s.io "aggregate" is forbidden: must have cluster-admin privileges to use the aggregationRule');
    await api.client.resource({ ...rbac, plural: 'clusterroles' }).create(undefined, aggregated);
  });

  it('allows an update that only touches what the garbage collector needs', async () => {
    const roles = asBob.resource({ ...rbac, plural: 'roles' });
    await api.client.resource({ ...rbac, plural: 'roles' }).create('other', role('secrets', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]));
    await roles.patch('other', 'secrets', 'application/merge-patch+json', { metadata: { finalizers: ['example.com/keep'] } });
    await forbidden(roles.patch('other', 'secrets', 'application/merge-patch+json', { metadata: { labels: { a: 'b' } } }));
  });
});
