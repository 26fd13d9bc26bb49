// The default roles and bindings every cluster starts with
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy): cluster-admin for
// system:masters; admin, edit and view, aggregated from the
// system:aggregate-to-* roles by their labels; and what every user may do
// (system:basic-user, system:discovery, system:public-info-viewer); and the
// storage roles (storageRoles.ts). Only the roles that bear on what PodLab
// serves and how users are authorized are here; most controllers' own roles
// are not, as PodLab's components are system:masters.

import type { KubeObject } from '../../../kube/meta.ts';
import { rbacGroup } from '../../resources/shared/rbac.ts';
import { allAuthenticated, allUnauthenticated, privilegedGroup } from '../user.ts';
import type { PolicyRule } from './policyRule.ts';
import { storageRoleObjects } from './storageRoles.ts';

const read = ['get', 'list', 'watch'];
const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const readWrite = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const bootstrapLabels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
/** Bootstrap objects carrying it are reconciled at each start (missing permissions and subjects added back). */
export const autoupdateAnnotation = 'rbac.authorization.kubernetes.io/autoupdate';
export const aggregateToAdmin = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const aggregateToEdit = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const aggregateToView = 'rbac.authorization.k8s.io/aggregate-to-view';

function rule(verbs: string[], apiGroups: string[], resources: string[]): PolicyRule {
  return { apiGroups, resources, verbs };
}

function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { nonResourceURLs, verbs };
}

function clusterRole(name: string, rules: PolicyRule[] | null, extra: { labels?: Record<string, string>; aggregateFrom?: string } = {}): KubeObject {
  return {
    apiVersion: `${rbacGroup}/v1`,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...bootstrapLabels, ...extra.labels }, annotations: { [autoupdateAnnotation]: 'true' } },
    ...(extra.aggregateFrom ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [extra.aggregateFrom]: 'true' } }] } } : {}),
    rules,
  };
}

function clusterRoleBinding(role: string, groups: string[]): KubeObject {
  return bindingTo(role, groups.map((name) => ({ apiGroup: rbacGroup, kind: 'Group', name })));
}

function bindingTo(role: string, subjects: Array<Record<string, string>>): KubeObject {
  return {
    apiVersion: `${rbacGroup}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name: role, labels: { ...bootstrapLabels }, annotations: { [autoupdateAnnotation]: 'true' } },
    roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: role },
    subjects,
  };
}

const storage = storageRoleObjects((name, rules) => clusterRole(name, rules), bindingTo);

export const bootstrapClusterRoles: KubeObject[] = [
  clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
  // Filled in by the clusterrole-aggregation controller from the roles their selectors match.
  clusterRole('admin', null, { aggregateFrom: aggregateToAdmin }),
  clusterRole('edit', null, { aggregateFrom: aggregateToEdit, labels: { [aggregateToAdmin]: 'true' } }),
  clusterRole('view', null, { aggregateFrom: aggregateToView, labels: { [aggregateToEdit]: 'true' } }),
  clusterRole('system:aggregate-to-admin', [rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']), rule(readWrite, [rbacGroup], ['rolebindings', 'roles'])], { labels: { [aggregateToAdmin]: 'true' } }),
  clusterRole(
    'system:aggregate-to-edit',
    [
      rule(read, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
      rule(['impersonate'], [''], ['serviceaccounts']),
      rule(write, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
      rule(['create'], [''], ['pods/eviction']),
      rule(write, [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy']),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(write, ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
      rule(write, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(write, ['batch'], ['cronjobs', 'jobs']),
      rule(write, ['extensions'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale']),
      rule(write, ['policy'], ['poddisruptionbudgets']),
      rule(write, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
      rule(readWrite, ['coordination.k8s.io'], ['leases']),
    ],
    { labels: { [aggregateToEdit]: 'true' } },
  ),
  clusterRole(
    'system:aggregate-to-view',
    [
      rule(read, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status']),
      rule(read, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status']),
      rule(read, [''], ['namespaces']),
      rule(read, ['discovery.k8s.io'], ['endpointslices']),
      rule(read, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
      rule(read, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(read, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
      rule(read, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale']),
      rule(read, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      rule(read, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
    ],
    { labels: { [aggregateToView]: 'true' } },
  ),
  // Full access to the kubelet API (nodes/proxy), for whoever is bound to it: Prometheus, metrics collectors.
  clusterRole('system:kubelet-api-admin', [
    rule(['get', 'list', 'watch'], [''], ['nodes']),
    rule(['proxy'], [''], ['nodes']),
    rule(['*'], [''], ['nodes/proxy', 'nodes/metrics', 'nodes/spec', 'nodes/stats', 'nodes/log']),
  ]),
  clusterRole('system:basic-user', [rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']), rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews'])]),
  // metrics-server's role, aggregated into view, edit and admin: kubectl top for whoever may read pods.
  clusterRole('system:aggregated-metrics-reader', [rule(read, ['metrics.k8s.io'], ['pods', 'nodes'])], { labels: { [aggregateToView]: 'true', [aggregateToEdit]: 'true', [aggregateToAdmin]: 'true' } }),
  clusterRole('system:auth-delegator', [rule(['create'], ['authentication.k8s.io'], ['tokenreviews']), rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews'])]),
  clusterRole('system:discovery', [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])]),
  clusterRole('system:public-info-viewer', [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])]),
  // Scraping the API server's /metrics and health endpoints (Prometheus), bound to the group of the same name.
  clusterRole('system:monitoring', [urls(['get'], ['/healthz', '/healthz/*', '/livez', '/livez/*', '/metrics', '/metrics/slis', '/readyz', '/readyz/*'])]),
  ...storage.roles,
];

export const bootstrapClusterRoleBindings: KubeObject[] = [
  clusterRoleBinding('cluster-admin', [privilegedGroup]),
  clusterRoleBinding('system:discovery', [allAuthenticated]),
  clusterRoleBinding('system:basic-user', [allAuthenticated]),
  clusterRoleBinding('system:public-info-viewer', [allAuthenticated, allUnauthenticated]),
  clusterRoleBinding('system:monitoring', ['system:monitoring']),
  ...storage.bindings,
];
