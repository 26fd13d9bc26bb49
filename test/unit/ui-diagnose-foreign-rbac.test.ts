// The debugger's RBAC findings on a cluster whose API server PodLab does not
// run (no memory of denials): a pod's service account's 403s read from its
// log and confirmed by a SubjectAccessReview, with the Role and RoleBinding
// fix; and the connecting user's own refused reads, with what a
// SelfSubjectAccessReview and a SelfSubjectRulesReview answer. An API server
// in this process plays the foreign cluster; only the pod's log is faked.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adminUser, type UserInfo } from '../../main/apiserver/auth/user.ts';
import { ensureBootstrapPolicy } from '../../main/cluster/bootstrapPolicy.ts';
import { parseForbidden } from '../../main/insight/forbiddenText.ts';
import { catalogKindResolver } from '../../main/ui/apply/kindResolver.ts';
import { diagnose } from '../../main/ui/diagnose.ts';
import type { PodStreams } from '../../main/ui/podStreams.ts';
import type { ClusterConnection } from '../../main/ui/uiHost.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const now = new Date('2025-01-10T10:10:00Z');
const pods = { group: '', version: 'v1', plural: 'pods' };
const denied = 'pods is forbidden: User "system:serviceaccount:default:pod-lister" cannot list resource "pods" in API group "" in the namespace "default"';
let api: InProcessApi;

/** The pod's log as `kubectl logs --timestamps` gives it: the kubelet's time, then the rbac-denied sample's own line. */
const streams: PodStreams = {
  async *logs(_namespace, _pod, options) {
    assert.equal(options.timestamps, true);
    yield `2025-01-10T10:09:50.000000001Z 2025-01-10T10:09:50.000Z 403 Forbidden: ${denied}\n2025-01-10T10:09:55.000000001Z 2025-01-10T10:09:55.000Z 403 Forbidden: ${denied}\n`;
  },
  exec: () => Promise.reject(new Error('no exec here')),
  portForward: () => Promise.reject(new Error('no port forwarding here')),
};

function connectionAs(user: UserInfo): ClusterConnection {
  // No `denials`, `journeys`, `probes`: what contextConnection gives for a cluster PodLab does not run.
  return { client: api.api.client(user), kinds: catalogKindResolver(api.api.catalog), discovery: api.api.discoveryClient(user), tables: api.api.tableClient(user), streams };
}

before(async () => {
  api = await startInProcessApi(() => now);
  // system:basic-user lets every user ask the self reviews, as on any cluster.
  await ensureBootstrapPolicy(api.client);
  await api.client.resource({ group: '', version: 'v1', plural: 'serviceaccounts' }).create('default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'pod-lister' } } as never);
  await api.client.resource(pods).create('default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod-lister' }, spec: { nodeName: 'worker', serviceAccountName: 'pod-lister', containers: [{ name: 'lister', image: 'node:22-alpine' }] } } as never);
  const pod = await api.client.resource(pods).get('default', 'pod-lister');
  await api.client.resource(pods).updateStatus('default', { ...pod, status: { ...(pod as never as { status: object }).status, phase: 'Running', containerStatuses: [{ name: 'lister', image: 'node:22-alpine', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt: '2025-01-10T10:00:00Z' } } }] } } as never);
  // alice may read the namespace (as the view ClusterRole would let her), nothing cluster-wide.
  const rbac = (plural: string) => api.client.resource({ group: 'rbac.authorization.k8s.io', version: 'v1', plural });
  const reads = ['get', 'list', 'watch'];
  await rbac('roles').create('default', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'viewer' }, rules: [{ apiGroups: [''], resources: ['pods', 'pods/log', 'events'], verbs: reads }, { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: reads }] } as never);
  await rbac('rolebindings').create('default', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'alice-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'viewer' }, subjects: [{ kind: 'User', name: 'alice' }] } as never);
});

after(() => api.close());

test('a 403 in the pod\'s log, confirmed by a SubjectAccessReview, is "Denied by RBAC" with its Role and RoleBinding fix', async () => {
  const diagnosis = await diagnose(connectionAs(adminUser), 'default', 'pod-lister', now);
  const finding = diagnosis.findings.find((f) => f.rule === 'rbac-denied');
  assert.ok(finding, JSON.stringify(diagnosis.findings.map((f) => f.rule)));
  assert.match(finding.cause, /service account default\/pod-lister .*and the pod's log shows that the API server answered 403 Forbidden 2 times/);
  assert.deepEqual(finding.evidence.slice(1), [
    { label: "403 Forbidden (x2) in the pod's log, last at 2025-01-10T10:09:55.000000001Z", text: denied },
    { label: 'SubjectAccessReview', text: 'still denied now' },
  ]);
  assert.deepEqual(finding.next.slice(2).map((n) => n.command), [
    'kubectl create role pod-lister-list-pods --verb=list --resource=pods -n default',
    'kubectl create rolebinding pod-lister-list-pods --role=pod-lister-list-pods --serviceaccount=default:pod-lister -n default',
  ]);
  // The fix passed the server's dry run, so it is offered.
  assert.deepEqual(finding.fixes?.[0]?.changes.map((c) => (c as { object: { kind: string } }).object.kind), ['Role', 'RoleBinding']);
  assert.equal(diagnosis.findings.some((f) => f.rule === 'access-limited'), false);
});

test('once a RoleBinding grants it, the SubjectAccessReview allows it and the logged 403s are no finding', async () => {
  const rbac = (plural: string) => api.client.resource({ group: 'rbac.authorization.k8s.io', version: 'v1', plural });
  await rbac('roles').create('default', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }] } as never);
  await rbac('rolebindings').create('default', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'pod-lister-reads' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'pod-lister', namespace: 'default' }] } as never);
  try {
    const diagnosis = await diagnose(connectionAs(adminUser), 'default', 'pod-lister', now);
    assert.equal(diagnosis.findings.some((f) => f.rule === 'rbac-denied'), false);
  } finally {
    await rbac('rolebindings').delete('default', 'pod-lister-reads');
    await rbac('roles').delete('default', 'pod-reader');
  }
});

test('a user with view only: the service account\'s 403 stands on the log\'s word, and her own refused reads are named with the reviews\' answers', async () => {
  const alice = { name: 'alice', groups: ['system:authenticated'] };
  const diagnosis = await diagnose(connectionAs(alice), 'default', 'pod-lister', now);
  const rbac = diagnosis.findings.find((f) => f.rule === 'rbac-denied')!;
  assert.deepEqual(rbac.evidence[2], { label: 'SubjectAccessReview', text: "not checked: your kubeconfig user may not create SubjectAccessReviews, so this is the log's word" });
  // Alice may not create the Role: the fix fails the dry run and is not offered, the commands are.
  assert.equal(rbac.fixes, undefined);
  const access = diagnosis.findings.find((f) => f.rule === 'access-limited')!;
  assert.equal(access.severity, 'info');
  assert.match(access.cause, /as your kubeconfig user "alice", and RBAC refused the nodes \(their conditions and taints\), a SubjectAccessReview/);
  assert.deepEqual(access.evidence.slice(0, 2), [
    { label: '403 Forbidden: the nodes (their conditions and taints)', text: 'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope' },
    { label: 'SelfSubjectAccessReview', text: 'not allowed' },
  ]);
  const rights = access.evidence.find((e) => e.label === 'What you may do in default (SelfSubjectRulesReview)');
  assert.match(rights?.text ?? '', /get, list, watch: .*\bpods\b.*\bpods\/log\b/);
  assert.deepEqual(access.next.map((n) => n.command), ['kubectl auth can-i list nodes --all-namespaces', 'kubectl auth can-i create subjectaccessreviews.authorization.k8s.io --all-namespaces', 'kubectl auth can-i --list -n default']);
});

test('RBAC 403 messages are read from any text: namespaced, named, subresource, cluster scope, a path, with a reason', () => {
  assert.deepEqual(parseForbidden(`2025-01-10T10:00:00Z 403 Forbidden: ${denied}`), { user: 'system:serviceaccount:default:pod-lister', verb: 'list', isResourceRequest: true, group: '', resource: 'pods', subresource: '', namespace: 'default', name: '', message: denied });
  const named = parseForbidden('pods "web" is forbidden: User "bob" cannot get resource "pods/log" in API group "" in the namespace "shop": RBAC: role.rbac.authorization.k8s.io "reader" not found');
  assert.deepEqual([named?.name, named?.resource, named?.subresource, named?.message.endsWith('"reader" not found')], ['web', 'pods', 'log', true]);
  assert.equal(parseForbidden('deployments.apps is forbidden: User "bob" cannot list resource "deployments" in API group "apps" at the cluster scope')?.namespace, '');
  assert.deepEqual(parseForbidden('forbidden: User "bob" cannot get path "/metrics"'), { user: 'bob', verb: 'get', isResourceRequest: false, path: '/metrics', message: 'forbidden: User "bob" cannot get path "/metrics"' });
  assert.equal(parseForbidden('connection refused'), undefined);
});
