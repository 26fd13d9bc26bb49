// Denied by RBAC: the pod's own program calls the API with its service
// account token and gets 403 Forbidden. Nothing in the pod's status shows
// it; PodLab's API server's memory of recent denials does, and on any
// cluster the 403 the program logged does (checked with a
// SubjectAccessReview: see main/ui/serviceAccountDenials.ts). The finding quotes the
// 403s, names the service account, and gives the check and the fix: a Role
// with the missing permission bound to the service account (a ClusterRole
// and ClusterRoleBinding when the request was cluster-wide).

import type { Fix, NextCheck } from '../../preload/api.ts';
import { createFix } from './fixBuilders.ts';
import type { AuthorizationDenial } from '../apiserver/auth/denialLog.ts';
import { serviceAccountUsername } from '../apiserver/auth/serviceAccountUser.ts';
import { kubectlFor } from './kubectlCommands.ts';
import type { PodView } from './podView.ts';
import type { Rule, SeenDenial } from './rule.ts';

/** Denials older than this no longer describe what the pod is doing. */
const recentMs = 15 * 60_000;
const shownDenials = 5;

export function podServiceAccount(pod: PodView): { namespace: string; name: string; user: string } {
  const namespace = pod.metadata.namespace ?? 'default';
  const name = pod.spec?.serviceAccountName || 'default';
  return { namespace, name, user: serviceAccountUsername(namespace, name) };
}

/** The resource as kubectl names it: `pods`, `deployments.apps`. */
function kubectlResource(d: AuthorizationDenial): string {
  return d.group ? `${d.resource}.${d.group}` : (d.resource ?? '');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function roleName(sa: string, verbs: string[], resources: string[]): string {
  const name = `${sa}-${verbs.join('-')}-${resources.map((r) => r.split('.')[0]!.replace('/', '-')).join('-')}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return name.slice(0, 63).replace(/-+$/, '');
}

/** How to grant what was denied: the first (most recent) scope's denials in one role and one binding. */
function fix(denials: AuthorizationDenial[], sa: { namespace: string; name: string }): NextCheck[] {
  const latest = denials[0]!;
  const namespaced = latest.isResourceRequest && latest.namespace;
  const same = denials.filter((d) => (namespaced ? d.isResourceRequest && d.namespace === latest.namespace : !d.isResourceRequest || !d.namespace));
  const verbs = unique(same.map((d) => d.verb));
  // kubectl create role spells a subresource RESOURCE.GROUP/SUBRESOURCE.
  const resources = unique(same.filter((d) => d.isResourceRequest).map((d) => (d.subresource ? `${kubectlResource(d)}/${d.subresource}` : kubectlResource(d))));
  const urls = unique(same.filter((d) => !d.isResourceRequest).map((d) => d.path ?? ''));
  const role = roleName(sa.name, verbs, [...resources, ...(urls.length ? ['urls'] : [])]);
  if (namespaced) {
    return [
      { what: `Grant it: a Role in ${latest.namespace} with the missing permission`, command: kubectlFor.createRole(role, verbs, resources, latest.namespace!) },
      { what: 'and a RoleBinding giving that Role to the service account', command: kubectlFor.createRoleBinding(role, role, sa.name, latest.namespace!) },
    ];
  }
  return [
    { what: 'Grant it cluster-wide: a ClusterRole with the missing permission', command: kubectlFor.createClusterRole(role, verbs, resources, urls) },
    { what: 'and a ClusterRoleBinding giving that ClusterRole to the service account', command: kubectlFor.createClusterRoleBinding(role, role, sa.name, sa.namespace) },
  ];
}

/** The same grant as objects: one rule per API group with the denied verbs and resources, and the binding to the service account. */
function grantFix(denials: AuthorizationDenial[], sa: { namespace: string; name: string }): Fix {
  const latest = denials[0]!;
  const namespace = latest.isResourceRequest ? latest.namespace : undefined;
  const same = denials.filter((d) => (namespace ? d.isResourceRequest && d.namespace === namespace : !d.isResourceRequest || !d.namespace));
  const verbs = unique(same.map((d) => d.verb));
  const byGroup = new Map<string, string[]>();
  for (const d of same.filter((d) => d.isResourceRequest)) byGroup.set(d.group ?? '', unique([...(byGroup.get(d.group ?? '') ?? []), d.subresource ? `${d.resource}/${d.subresource}` : (d.resource ?? '')]));
  const urls = unique(same.filter((d) => !d.isResourceRequest).map((d) => d.path ?? ''));
  const rules = [
    ...[...byGroup].map(([group, resources]) => ({ apiGroups: [group], resources, verbs })),
    ...(urls.length ? [{ nonResourceURLs: urls, verbs }] : []),
  ];
  const name = roleName(sa.name, verbs, [...[...byGroup.values()].flat(), ...(urls.length ? ['urls'] : [])]);
  const subject = { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace };
  const objects = namespace
    ? [
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace }, rules },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name }, subjects: [subject] },
      ]
    : [
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: [subject] },
      ];
  return createFix(
    `Grant ${sa.namespace}/${sa.name} ${verbs.join(', ')} on ${[...[...byGroup.values()].flat(), ...urls].join(', ')}${namespace ? ` in ${namespace}` : ' cluster-wide'}`,
    `A ${namespace ? 'Role' : 'ClusterRole'} allowing exactly what was denied, bound to the pod's service account. The next request is allowed at once; grant no more than the program needs.`,
    objects as never[],
  );
}

/** What the API server says of the same request now, for a 403 read from text. */
function reviewEvidence(d: SeenDenial): Array<{ label: string; text: string }> {
  if (!d.review) return [];
  if ('unchecked' in d.review) return [{ label: 'SubjectAccessReview', text: `not checked: ${d.review.unchecked}` }];
  return [{ label: 'SubjectAccessReview', text: `still denied now${d.review.reason ? `: ${d.review.reason}` : ''}` }];
}

export const rbacDenied: Rule = (input, now) => {
  const { pod } = input;
  const sa = podServiceAccount(pod);
  const denials = (input.denials ?? []).filter(
    (d) => d.user === sa.user && !d.resolvedAt && (!d.pod || d.pod === pod.metadata.name) && now.getTime() - Date.parse(d.lastAt) <= recentMs,
  );
  if (denials.length === 0) return [];
  const total = denials.reduce((sum, d) => sum + d.count, 0);
  const seenIn = denials.find((d) => d.seenIn)?.seenIn;
  const missingRole = denials.map((d) => /RBAC: (?:\[)?(cluster)?role\.rbac\.authorization\.k8s\.io "([^"]+)" not found/.exec(d.message)).find((m) => m);
  const latest = denials[0]!;
  const next: NextCheck[] = [
    {
      what: 'Ask the API server whether the service account may do it',
      command: latest.isResourceRequest ? kubectlFor.canI(latest.verb, kubectlResource(latest), latest.subresource ?? '', sa.user, latest.namespace ?? '') : kubectlFor.canIPath(latest.verb, latest.path ?? '', sa.user),
    },
    { what: 'Find the RoleBindings and ClusterRoleBindings that name the service account (SERVICEACCOUNTS column)', command: kubectlFor.bindingsNaming(sa.name, sa.namespace) },
    ...fix(denials, sa),
  ];
  return [
    {
      rule: 'rbac-denied',
      severity: 'error',
      title: 'Denied by RBAC',
      cause:
        `The pod calls the Kubernetes API as its service account ${sa.namespace}/${sa.name} (user "${sa.user}"), and ${seenIn ? `${seenIn} shows that ` : ''}the API server answered 403 Forbidden ${total === 1 ? 'once' : `${total} times`} in the last minutes. ` +
        (missingRole
          ? `A binding for it names the ${missingRole[1] ? 'ClusterRole' : 'Role'} "${missingRole[2]}", which does not exist, so it grants nothing. Create that role or fix the binding's roleRef.`
          : 'RBAC allows only what a Role or ClusterRole bound to the service account grants, and no binding grants this. Bind a role that allows it (below), or change the program so it does not need it.'),
      evidence: [
        { label: 'Service account', text: `${sa.namespace}/${sa.name} (user ${sa.user})` },
        ...denials.slice(0, shownDenials).flatMap((d) => [{ label: `403 Forbidden${d.count > 1 ? ` (x${d.count})` : ''}${d.seenIn ? ` in ${d.seenIn}` : ''}, last at ${d.lastAt}`, text: d.message }, ...reviewEvidence(d)]),
      ],
      next,
      ...(!missingRole && { fixes: [grantFix(denials, sa)] }),
    },
  ];
};
