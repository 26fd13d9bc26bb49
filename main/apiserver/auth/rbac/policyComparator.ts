// Whether one set of rules covers another (component-helpers' rbac
// validation.Covers): the covered rules are broken down to one verb, group,
// resource and name each, and every piece must fit inside one owner rule.
// What is left over is what a user would grant without holding it, printed
// the way the escalation error prints it.

import { all, type PolicyRule } from './policyRule.ts';

/** BreakdownRule: one rule per (group, resource, verb, name) and per (URL, verb). */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const pieces: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) pieces.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        for (const name of names) pieces.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) pieces.push({ nonResourceURLs: [url], verbs: [verb] });
  return pieces;
}

function hasAll(set: string[], wanted: string[]): boolean {
  return wanted.every((w) => set.includes(w));
}

function resourcesCoverAll(owner: string[], wanted: string[]): boolean {
  if (owner.includes(all) || hasAll(owner, wanted)) return true;
  return wanted.every((path) => {
    if (owner.includes(path)) return true;
    const slash = path.indexOf('/');
    return slash >= 0 && owner.includes(`*/${path.slice(slash + 1)}`);
  });
}

function urlCovers(owner: string, path: string): boolean {
  return owner === path || (owner.endsWith('*') && path.startsWith(owner.replace(/\*+$/, '')));
}

function ruleCovers(owner: PolicyRule, piece: PolicyRule): boolean {
  const verbs = owner.verbs.includes(all) || hasAll(owner.verbs, piece.verbs);
  const groups = (owner.apiGroups ?? []).includes(all) || hasAll(owner.apiGroups ?? [], piece.apiGroups ?? []);
  const resources = resourcesCoverAll(owner.resources ?? [], piece.resources ?? []);
  const urls = (piece.nonResourceURLs ?? []).every((p) => (owner.nonResourceURLs ?? []).some((o) => urlCovers(o, p)));
  const ownerNames = owner.resourceNames ?? [];
  const pieceNames = piece.resourceNames ?? [];
  const names = pieceNames.length === 0 ? ownerNames.length === 0 : ownerNames.length === 0 || hasAll(ownerNames, pieceNames);
  return verbs && groups && resources && names && urls;
}

/** Whether `owner` covers every rule of `wanted`, and the pieces it does not. */
export function covers(owner: PolicyRule[], wanted: PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing = wanted.flatMap(breakdownRule).filter((piece) => !owner.some((o) => ruleCovers(o, piece)));
  return { covered: missing.length === 0, missing };
}

/** CompactRules: pieces for the same group, resource and name merge their verbs. */
export function compactRules(rules: PolicyRule[]): PolicyRule[] {
  const simple = new Map<string, PolicyRule>();
  const compacted: PolicyRule[] = [];
  for (const rule of rules) {
    const isSimple = (rule.resourceNames?.length ?? 0) <= 1 && !rule.nonResourceURLs?.length && rule.apiGroups?.length === 1 && rule.resources?.length === 1;
    if (!isSimple) {
      compacted.push(rule);
      continue;
    }
    const key = JSON.stringify([rule.apiGroups, rule.resources, rule.resourceNames ?? []]);
    const existing = simple.get(key);
    if (existing) existing.verbs.push(...rule.verbs.filter((v) => !existing.verbs.includes(v)));
    else simple.set(key, { ...rule, verbs: [...rule.verbs] });
  }
  return [...compacted, ...simple.values()];
}

/** Go's %q of a []string: `["get" "list"]`. */
export function goQuotedList(values: string[]): string {
  return `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;
}

/** rbacv1helpers.CompactString: `{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}`. */
export function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  if (rule.apiGroups?.length) parts.push(`APIGroups:${goQuotedList(rule.apiGroups)}`);
  if (rule.resources?.length) parts.push(`Resources:${goQuotedList(rule.resources)}`);
  if (rule.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuotedList(rule.nonResourceURLs)}`);
  if (rule.resourceNames?.length) parts.push(`ResourceNames:${goQuotedList(rule.resourceNames)}`);
  if (rule.verbs.length) parts.push(`Verbs:${goQuotedList(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}
