// RBAC as kube-apiserver decides it: rule matching (wildcards, subresources,
// resourceNames, non-resource URLs), which bindings apply to a user, the
// union with system:masters, and the 403 text a denial produces.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthorizationAttributes } from '../../main/apiserver/auth/authorizer.ts';
import { forbiddenError } from '../../main/apiserver/auth/forbidden.ts';
import { ruleAllows, type PolicyRule } from '../../main/apiserver/auth/rbac/policyRule.ts';
import { RbacAuthorizer } from '../../main/apiserver/auth/rbac/rbacAuthorizer.ts';
import type { RbacPolicySource } from '../../main/apiserver/auth/rbac/ruleResolver.ts';
import { serviceAccountUserInfo } from '../../main/apiserver/auth/serviceAccountUser.ts';
import { PrivilegedGroupAuthorizer, UnionAuthorizer } from '../../main/apiserver/auth/unionAuthorizer.ts';
import { adminUser, type UserInfo } from '../../main/apiserver/auth/user.ts';
import type { KubeObject } from '../../main/kube/meta.ts';

const alice: UserInfo = { name: 'alice', groups: ['devs', 'system:authenticated'] };
const sa = serviceAccountUserInfo({ namespace: 'shop', name: 'api', uid: 'sa-uid' });

function request(verb: string, resource: string, extra: Partial<AuthorizationAttributes> = {}): AuthorizationAttributes {
  return { user: alice, verb, group: '', resource, namespace: 'shop', name: '', isResourceRequest: true, ...extra };
}

describe('policy rules', () => {
  const allows = (rule: PolicyRule, attrs: AuthorizationAttributes) => ruleAllows(attrs, rule);

  it('match verbs, groups and resources exactly or by *', () => {
    const rule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
    assert.ok(allows(rule, request('list', 'pods')));
    assert.ok(!allows(rule, request('watch', 'pods')));
    assert.ok(!allows(rule, request('list', 'pods', { group: 'apps' })));
    assert.ok(!allows(rule, request('list', 'services')));
    assert.ok(allows({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, request('deletecollection', 'deployments', { group: 'apps' })));
  });

  it('need the subresource spelled out, or */SUB for every resource', () => {
    assert.ok(!allows({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, request('get', 'pods', { subresource: 'log', name: 'web' })));
    assert.ok(allows({ verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }, request('get', 'pods', { subresource: 'log', name: 'web' })));
    assert.ok(allows({ verbs: ['get'], apiGroups: [''], resources: ['*/log'] }, request('get', 'pods', { subresource: 'log', name: 'web' })));
    assert.ok(!allows({ verbs: ['get'], apiGroups: [''], resources: ['*/log'] }, request('get', 'pods', { name: 'web' })));
    assert.ok(!allows({ verbs: ['create'], apiGroups: [''], resources: ['pods/log'] }, request('create', 'pods', { subresource: 'exec', name: 'web' })));
    // `*` covers subresources too.
    assert.ok(allows({ verbs: ['create'], apiGroups: [''], resources: ['*'] }, request('create', 'pods', { subresource: 'exec', name: 'web' })));
  });

  it('narrow to resourceNames, which a nameless list never matches', () => {
    const rule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['app-config'] };
    assert.ok(allows(rule, request('get', 'configmaps', { name: 'app-config' })));
    assert.ok(!allows(rule, request('get', 'configmaps', { name: 'other' })));
    assert.ok(!allows(rule, request('list', 'configmaps')));
  });

  it('match non-resource URLs exactly or by a trailing *', () => {
    const rule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
    const path = (p: string, verb = 'get'): AuthorizationAttributes => ({ user: alice, verb, path: p, isResourceRequest: false });
    assert.ok(allows(rule, path('/healthz')));
    assert.ok(!allows(rule, path('/healthz/etcd')));
    assert.ok(allows(rule, path('/apis/apps/v1')));
    assert.ok(!allows(rule, path('/apis')));
    assert.ok(!allows(rule, path('/healthz', 'post')));
    assert.ok(allows({ verbs: ['*'], nonResourceURLs: ['*'] }, path('/anything', 'post')));
    // Resource rules never match paths, nor URL rules resources.
    assert.ok(!allows({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, path('/version')));
    assert.ok(!allows(rule, request('get', 'pods')));
  });
});

function policy(objects: { roles?: KubeObject[]; clusterRoles?: KubeObject[]; roleBindings?: KubeObject[]; clusterRoleBindings?: KubeObject[] }): RbacPolicySource {
  return {
    getRole: async (ns, name) => objects.roles?.find((r) => r.metadata.namespace === ns && r.metadata.name === name),
    getClusterRole: async (name) => objects.clusterRoles?.find((r) => r.metadata.name === name),
    listRoleBindings: async (ns) => (objects.roleBindings ?? []).filter((b) => b.metadata.namespace === ns),
    listClusterRoleBindings: async () => objects.clusterRoleBindings ?? [],
  };
}

const role = (name: string, namespace: string | undefined, rules: PolicyRule[]): KubeObject => ({ metadata: { name, ...(namespace ? { namespace } : {}) }, rules });
const binding = (name: string, namespace: string | undefined, roleRef: { kind: string; name: string }, subjects: Array<Record<string, string>>): KubeObject => ({
  metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
  subjects,
});

describe('the RBAC authorizer', () => {
  const rbac = new RbacAuthorizer(
    policy({
      roles: [role('pod-reader', 'shop', [{ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods', 'pods/log'] }])],
      clusterRoles: [role('node-viewer', undefined, [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['nodes'] }]), role('secret-reader', undefined, [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }])],
      roleBindings: [
        binding('devs-read-pods', 'shop', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' }]),
        // A RoleBinding may leave its service account's namespace out: the binding's own.
        binding('api-secrets', 'shop', { kind: 'ClusterRole', name: 'secret-reader' }, [{ kind: 'ServiceAccount', name: 'api' }]),
        binding('dangling', 'shop', { kind: 'Role', name: 'gone' }, [{ kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' }]),
      ],
      clusterRoleBindings: [binding('api-nodes', undefined, { kind: 'ClusterRole', name: 'node-viewer' }, [{ kind: 'ServiceAccount', name: 'api', namespace: 'shop' }])],
    }),
  );

  it('allows what a binding of one of the user groups grants, and says which', async () => {
    const decision = await rbac.authorize(request('list', 'pods'));
    assert.deepEqual(decision, { allowed: true, reason: 'RBAC: allowed by RoleBinding "devs-read-pods/shop" of Role "pod-reader" to Group "devs"' });
  });

  it('keeps a RoleBinding to its namespace', async () => {
    assert.equal((await rbac.authorize(request('list', 'pods', { namespace: 'other' }))).allowed, false);
    assert.equal((await rbac.authorize(request('list', 'pods', { namespace: '' }))).allowed, false);
  });

  it('matches service accounts by namespace and name, cluster-wide through ClusterRoleBindings', async () => {
    assert.equal((await rbac.authorize(request('get', 'secrets', { user: sa, name: 'db' }))).allowed, true);
    assert.equal((await rbac.authorize(request('list', 'nodes', { user: sa, namespace: '' }))).allowed, true);
    const other = serviceAccountUserInfo({ namespace: 'other', name: 'api', uid: 'x' });
    assert.equal((await rbac.authorize(request('list', 'nodes', { user: other, namespace: '' }))).allowed, false);
  });

  it('reports a binding to a missing role as the reason of a denial', async () => {
    const decision = await rbac.authorize(request('delete', 'pods', { name: 'web' }));
    assert.equal(decision.allowed, false);
    assert.equal(decision.reason, 'RBAC: role.rbac.authorization.k8s.io "gone" not found');
    assert.equal(decision.evaluationError, 'role.rbac.authorization.k8s.io "gone" not found');
  });

  it('lists the rules of a user in a namespace, resource and non-resource apart', async () => {
    const rules = await rbac.rulesFor(sa, 'shop');
    assert.deepEqual(rules.resourceRules, [
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['nodes'] },
      { verbs: ['get'], apiGroups: [''], resources: ['secrets'] },
    ]);
    assert.deepEqual(rules.nonResourceRules, []);
    assert.equal(rules.incomplete, false);
  });

  it('comes after system:masters, who may do anything', async () => {
    const chain = new UnionAuthorizer([new PrivilegedGroupAuthorizer(), rbac]);
    assert.deepEqual(await chain.authorize(request('delete', 'nodes', { user: adminUser, namespace: '', name: 'n1' })), { allowed: true, reason: '' });
    assert.equal((await chain.authorize(request('delete', 'nodes', { namespace: '', name: 'n1' }))).allowed, false);
  });
});

describe('the 403 of a denial', () => {
  it('is worded and shaped as kube-apiserver answers', () => {
    const denied = forbiddenError(request('list', 'pods', { user: sa }), '');
    // As the client receives it: JSON.
    assert.deepEqual(JSON.parse(JSON.stringify(denied.status)), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods is forbidden: User "system:serviceaccount:shop:api" cannot list resource "pods" in API group "" in the namespace "shop"',
      reason: 'Forbidden',
      details: { kind: 'pods' },
      code: 403,
    });
  });

  it('names the object, the subresource, the group and the cluster scope', () => {
    assert.equal(
      forbiddenError(request('get', 'pods', { subresource: 'log', name: 'web' }), '').message,
      'pods "web" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "shop"',
    );
    const deployments = forbiddenError(request('list', 'deployments', { group: 'apps', namespace: '' }), 'RBAC: clusterrole.rbac.authorization.k8s.io "x" not found');
    assert.equal(deployments.message, 'deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" at the cluster scope: RBAC: clusterrole.rbac.authorization.k8s.io "x" not found');
    assert.deepEqual(JSON.parse(JSON.stringify(deployments.status.details)), { group: 'apps', kind: 'deployments' });
    assert.equal(forbiddenError({ user: alice, verb: 'get', path: '/metrics', isResourceRequest: false }, '').message, 'forbidden: User "alice" cannot get path "/metrics"');
  });
});
