// What every Pod Security check shares, as k8s.io/pod-security-admission/policy
// words it: the result type, the containers a check visits (init, regular,
// ephemeral, in that order), and the quoting and plurals of its messages.

import type { Container, EphemeralContainer, PodSpec } from '../../../kube/types/core-v1.ts';
import type { ObjectMeta } from '../../../kube/types/meta-v1.ts';

export interface CheckResult {
  allowed: boolean;
  forbiddenReason?: string;
  forbiddenDetail?: string;
}

export type CheckPod = (meta: ObjectMeta, spec: PodSpec) => CheckResult;

export const allowed: CheckResult = { allowed: true };

export function forbidden(reason: string, detail: string): CheckResult {
  return { allowed: false, forbiddenReason: reason, forbiddenDetail: detail };
}

export function visitContainers(spec: PodSpec, visit: (container: Container | EphemeralContainer) => void): void {
  for (const c of spec.initContainers ?? []) visit(c);
  for (const c of spec.containers ?? []) visit(c);
  for (const c of spec.ephemeralContainers ?? []) visit(c);
}

/** `"a", "b"`. */
export function joinQuote(items: string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** `container "a"` or `containers "a", "b"`. */
export function containersPhrase(names: string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** Go's sets.String.List(): unique and sorted. */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

export function isWindows(spec: PodSpec): boolean {
  return spec.os?.name === 'windows';
}
