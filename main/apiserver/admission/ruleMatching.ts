// Whether an admission rule (admissionregistration's RuleWithOperations, and the
// NamedRuleWithOperations of policies) covers a request, as
// k8s.io/apiserver/pkg/admission/plugin/webhook/predicates/rules does:
// scope, operation, group, version and resource/subresource (`pods` is the
// main resource only, `pods/status` its status, `*\/scale` every scale,
// `*\/*` everything), each with `*` as a wildcard.

import type { AdmissionView } from './admissionRequest.ts';

export interface AdmissionRule {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string;
  /** Policies' rules may name objects. */
  resourceNames?: string[];
}

function exactOrWildcard(items: string[] | undefined, requested: string): boolean {
  return (items ?? []).some((item) => item === '*' || item === requested);
}

function scopeMatches(rule: AdmissionRule, view: AdmissionView): boolean {
  const scope = rule.scope ?? '*';
  if (scope === '*') return true;
  // A Namespace is cluster-scoped, whatever its request's namespace.
  const isNamespace = view.resource.group === '' && view.resource.resource === 'namespaces';
  if (scope === 'Namespaced') return !isNamespace && view.namespace !== '';
  if (scope === 'Cluster') return isNamespace || view.namespace === '';
  return false;
}

function resourceMatches(resources: string[] | undefined, resource: string, subResource: string): boolean {
  return (resources ?? []).some((entry) => {
    const slash = entry.indexOf('/');
    const res = slash < 0 ? entry : entry.slice(0, slash);
    const sub = slash < 0 ? '' : entry.slice(slash + 1);
    return (res === '*' || res === resource) && (sub === '*' || sub === subResource);
  });
}

export function ruleMatches(rule: AdmissionRule, view: AdmissionView): boolean {
  return (
    scopeMatches(rule, view) &&
    exactOrWildcard(rule.operations, view.operation) &&
    exactOrWildcard(rule.apiGroups, view.resource.group) &&
    exactOrWildcard(rule.apiVersions, view.resource.version) &&
    resourceMatches(rule.resources, view.resource.resource, view.subResource)
  );
}

/** A policy rule: the resource rule and, when it names objects, the request's name among them. */
export function namedRuleMatches(rule: AdmissionRule, view: AdmissionView): boolean {
  if (!ruleMatches(rule, view)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(view.name);
}
