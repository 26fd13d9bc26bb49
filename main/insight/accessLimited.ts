// The debugger reads as the person's kubeconfig user, and on a cluster they
// do not own RBAC may refuse some of what it reads (the nodes, the events, a
// log). Those checks are then skipped, silently wrong unless said: this
// finding names each refused read, what a SelfSubjectAccessReview for it
// answers, what the user may do in the namespace (SelfSubjectRulesReview, as
// `kubectl auth can-i --list`), and the commands that check the same.

import type { Finding } from '../../preload/api.ts';
import type { ForbiddenRequest } from './forbiddenText.ts';

export interface RefusedRead {
  /** What the debugger wanted it for: `nodes (node conditions)`, `the log of container app`. */
  purpose: string;
  request: ForbiddenRequest;
  /** The SelfSubjectAccessReview's answer for the same request; absent when it could not be asked. */
  review?: { allowed: boolean; reason?: string; evaluationError?: string };
}

export interface ResourceRuleView {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

/** What a user may do in a namespace, from a SelfSubjectRulesReview; absent when it could not be asked. */
export interface NamespaceRights {
  namespace: string;
  resourceRules: ResourceRuleView[];
  incomplete?: boolean;
}

function kubectlTarget(r: ForbiddenRequest): string {
  if (!r.isResourceRequest) return r.path ?? '';
  return `${r.resource}${r.group ? `.${r.group}` : ''}${r.subresource ? ` --subresource=${r.subresource}` : ''}`;
}

function canI(r: ForbiddenRequest): string {
  const scope = !r.isResourceRequest ? '' : r.namespace ? ` -n ${r.namespace}` : ' --all-namespaces';
  return `kubectl auth can-i ${r.verb} ${kubectlTarget(r)}${scope}`;
}

/** `get, list, watch: pods, pods/log, events; create: pods/exec`: rules grouped by their verbs, as `kubectl auth can-i --list` reads. */
export function rightsSummary(rules: ResourceRuleView[], shown = 8): string {
  const byVerbs = new Map<string, string[]>();
  for (const rule of rules) {
    const verbs = [...rule.verbs].sort().join(', ');
    const resources = (rule.resources ?? []).map((res) => {
      const group = (rule.apiGroups ?? [''])[0];
      return `${res}${group && group !== '*' ? `.${group}` : ''}${rule.resourceNames?.length ? ` (${rule.resourceNames.join(', ')})` : ''}`;
    });
    byVerbs.set(verbs, [...new Set([...(byVerbs.get(verbs) ?? []), ...resources])]);
  }
  const lines = [...byVerbs].map(([verbs, resources]) => `${verbs}: ${resources.join(', ')}`);
  return lines.length > shown ? `${lines.slice(0, shown).join('; ')}; and ${lines.length - shown} more` : lines.join('; ');
}

export function accessLimited(refused: RefusedRead[], rights: NamespaceRights | undefined): Finding {
  const user = refused[0]!.request.user;
  const reads = refused.map((r) => r.purpose).join(', ');
  return {
    rule: 'access-limited',
    severity: 'info',
    title: 'Your kubeconfig user may not read everything the debugger checks',
    cause:
      `The debugger reads this cluster as your kubeconfig user "${user}", and RBAC refused ${reads}. ` +
      'The checks that need them were skipped, so a cause they would show (a node not ready, a failure reported only in events or logs) is not ruled out. Ask the cluster admin for read access (the view ClusterRole covers a namespace; nodes need a ClusterRole), or run the debugger as a user who has it.',
    evidence: [
      ...refused.flatMap((r) => [
        { label: `403 Forbidden: ${r.purpose}`, text: r.request.message },
        ...(r.review ? [{ label: 'SelfSubjectAccessReview', text: `${r.review.allowed ? 'allowed now (granted since)' : 'not allowed'}${r.review.reason ? `: ${r.review.reason}` : ''}${r.review.evaluationError ? ` (${r.review.evaluationError})` : ''}` }] : []),
      ]),
      ...(rights ? [{ label: `What you may do in ${rights.namespace} (SelfSubjectRulesReview${rights.incomplete ? ', incomplete' : ''})`, text: rightsSummary(rights.resourceRules) || 'nothing' }] : []),
    ],
    next: [
      ...[...new Set(refused.map((r) => canI(r.request)))].map((command) => ({ what: 'Check the right the debugger lacked', command })),
      ...(rights ? [{ what: `List everything you may do in ${rights.namespace}`, command: `kubectl auth can-i --list -n ${rights.namespace}` }] : []),
    ],
  };
}
