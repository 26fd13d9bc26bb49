// One RBAC PolicyRule and whether it allows a request, as
// pkg/apis/rbac/v1/evaluation_helpers.go matches them: `*` for every verb,
// group or resource, `*/SUB` for one subresource of every resource,
// resourceNames narrowing to named objects, and non-resource URLs with a
// trailing `*` as a prefix.

import type { AuthorizationAttributes } from '../authorizer.ts';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export const all = '*';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === all || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === all || g === group);
}

/** `combined` is `resource` or `resource/subresource`. */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return (rule.resources ?? []).some((r) => r === all || r === combined || (subresource !== '' && r === `*/${subresource}`));
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === all || u === path || (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))));
}

/** rbac.RuleAllows. */
export function ruleAllows(attrs: AuthorizationAttributes, rule: PolicyRule): boolean {
  if (!attrs.isResourceRequest) return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path ?? '');
  const subresource = attrs.subresource ?? '';
  const combined = subresource ? `${attrs.resource ?? ''}/${subresource}` : (attrs.resource ?? '');
  return verbMatches(rule, attrs.verb) && apiGroupMatches(rule, attrs.group ?? '') && resourceMatches(rule, combined, subresource) && resourceNameMatches(rule, attrs.name ?? '');
}

/** The rules of a Role or ClusterRole object (`rules: null` is none). */
export function rulesOf(role: { [field: string]: unknown }): PolicyRule[] {
  return Array.isArray(role.rules) ? (role.rules as PolicyRule[]).map((r) => ({ ...r, verbs: r.verbs ?? [] })) : [];
}
