// The debugger's rbac-denied rule: a running pod whose service account the
// API server recently refused gets "Denied by RBAC", quoting the 403s, naming
// the service account, and giving the check and the fix.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuthorizationDenial } from '../../main/apiserver/auth/denialLog.ts';
import { diagnosePod } from '../../main/insight/diagnosePod.ts';
import { pod, twoNodes } from './ui-insight-fixtures.ts';

const now = new Date('2025-01-10T10:10:00Z');
const lister = pod('lister', { nodeName: 'podlab-worker', serviceAccountName: 'pod-lister', containers: [{ name: 'app', image: 'node:22-alpine' }] }, {
  phase: 'Running',
  containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: '2025-01-10T10:00:00Z' } } }],
});

function denial(fields: Partial<AuthorizationDenial> = {}): AuthorizationDenial {
  return {
    user: 'system:serviceaccount:shop:pod-lister',
    message: 'pods is forbidden: User "system:serviceaccount:shop:pod-lister" cannot list resource "pods" in API group "" in the namespace "shop"',
    verb: 'list',
    isResourceRequest: true,
    group: '',
    resource: 'pods',
    subresource: '',
    namespace: 'shop',
    name: '',
    pod: 'lister',
    count: 12,
    firstAt: '2025-01-10T10:01:00.000Z',
    lastAt: '2025-01-10T10:09:55.000Z',
    ...fields,
  };
}

test('Denied by RBAC: the 403 with its count and time, the service account, can-i, the bindings, and the fix', () => {
  const [finding] = diagnosePod({ pod: lister, events: [], nodes: twoNodes, previousLogs: {}, denials: [denial()] }, now);
  assert.equal(finding.rule, 'rbac-denied');
  assert.equal(finding.severity, 'error');
  assert.equal(finding.title, 'Denied by RBAC');
  assert.match(finding.cause, /service account shop\/pod-lister \(user "system:serviceaccount:shop:pod-lister"\), and the API server answered 403 Forbidden 12 times/);
  assert.deepEqual(finding.evidence, [
    { label: 'Service account', text: 'shop/pod-lister (user system:serviceaccount:shop:pod-lister)' },
    { label: '403 Forbidden (x12), last at 2025-01-10T10:09:55.000Z', text: 'pods is forbidden: User "system:serviceaccount:shop:pod-lister" cannot list resource "pods" in API group "" in the namespace "shop"' },
  ]);
  assert.deepEqual(
    finding.next.map((n) => n.command),
    [
      'kubectl auth can-i list pods --as=system:serviceaccount:shop:pod-lister -n shop',
      'kubectl get rolebindings,clusterrolebindings -A -o wide | grep shop/pod-lister',
      'kubectl create role pod-lister-list-pods --verb=list --resource=pods -n shop',
      'kubectl create rolebinding pod-lister-list-pods --role=pod-lister-list-pods --serviceaccount=shop:pod-lister -n shop',
    ],
  );
});

test('several denials in one namespace make one Role; groups and subresources are spelled as kubectl takes them', () => {
  const denials = [
    denial({ verb: 'get', resource: 'pods', subresource: 'log', name: 'web', message: 'pods "web" is forbidden: ...', count: 1 }),
    denial({ verb: 'list', resource: 'deployments', group: 'apps', message: 'deployments.apps is forbidden: ...', count: 2 }),
  ];
  const [finding] = diagnosePod({ pod: lister, events: [], nodes: twoNodes, previousLogs: {}, denials }, now);
  assert.equal(finding.next[0]!.command, 'kubectl auth can-i get pods --subresource=log --as=system:serviceaccount:shop:pod-lister -n shop');
  assert.equal(finding.next[2]!.command, 'kubectl create role pod-lister-get-list-pods-log-deployments --verb=get,list --resource=pods/log,deployments.apps -n shop');
  assert.match(finding.cause, /answered 403 Forbidden 3 times/);
});

test('a cluster-wide denial is fixed with a ClusterRole and a ClusterRoleBinding', () => {
  const [finding] = diagnosePod({ pod: lister, events: [], nodes: twoNodes, previousLogs: {}, denials: [denial({ verb: 'list', resource: 'nodes', namespace: '', message: 'nodes is forbidden: ...' })] }, now);
  assert.equal(finding.next[0]!.command, 'kubectl auth can-i list nodes --as=system:serviceaccount:shop:pod-lister -A');
  assert.deepEqual(finding.next.slice(2).map((n) => n.command), [
    'kubectl create clusterrole pod-lister-list-nodes --verb=list --resource=nodes',
    'kubectl create clusterrolebinding pod-lister-list-nodes --clusterrole=pod-lister-list-nodes --serviceaccount=shop:pod-lister',
  ]);
});

test('a binding to a missing role is named as the cause', () => {
  const message = 'pods is forbidden: User "system:serviceaccount:shop:pod-lister" cannot list resource "pods" in API group "" in the namespace "shop": RBAC: role.rbac.authorization.k8s.io "pod-reader" not found';
  const [finding] = diagnosePod({ pod: lister, events: [], nodes: twoNodes, previousLogs: {}, denials: [denial({ message })] }, now);
  assert.match(finding.cause, /names the Role "pod-reader", which does not exist/);
});

test('nothing to say once the request is allowed again, when it is old, for another pod, or for another account', () => {
  const quiet = (denials: AuthorizationDenial[]) => assert.deepEqual(diagnosePod({ pod: lister, events: [], nodes: twoNodes, previousLogs: {}, denials }, now), []);
  quiet([denial({ resolvedAt: '2025-01-10T10:09:58.000Z' })]);
  quiet([denial({ lastAt: '2025-01-10T09:50:00.000Z' })]);
  quiet([denial({ pod: 'another-pod' })]);
  quiet([denial({ user: 'system:serviceaccount:shop:default' })]);
  quiet([]);
  // A token not bound to a pod (kubectl create token) still counts for the account.
  assert.equal(diagnosePod({ pod: lister, events: [], nodes: twoNodes, previousLogs: {}, denials: [denial({ pod: undefined })] }, now).length, 1);
});
