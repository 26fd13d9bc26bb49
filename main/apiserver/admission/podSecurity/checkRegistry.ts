// Which checks a level and version run, in the order Kubernetes reports them
// (k8s.io/pod-security-admission/policy registry): each check in the behaviour
// of the newest of its versions not newer than the one asked for; Restricted
// adds its checks to Baseline's, minus those it overrides; Baseline IDs sorted
// first, then Restricted's. `latest` (and anything newer) is the newest
// version any check knows: v1.32.

import type { PodSpec } from '../../../kube/types/core-v1.ts';
import type { ObjectMeta } from '../../../kube/types/meta-v1.ts';
import { baselineChecks } from './baselineChecks.ts';
import type { CheckPod, CheckResult } from './checkHelpers.ts';
import type { Level, LevelVersion } from './policy.ts';
import { restrictedChecks } from './restrictedChecks.ts';

export interface VersionedCheck {
  /** The minor version of v1.x this behaviour starts with. */
  minimumVersion: number;
  checkPod: CheckPod;
  /** Baseline checks this Restricted one replaces. */
  overrides?: string[];
}

export interface Check {
  id: string;
  level: Exclude<Level, 'privileged'>;
  versions: VersionedCheck[];
}

const allChecks = [...baselineChecks, ...restrictedChecks];

export const maxPolicyVersion = Math.max(...allChecks.map((c) => c.versions[c.versions.length - 1].minimumVersion));

const orderedIds = [...baselineChecks.map((c) => c.id).sort(), ...restrictedChecks.map((c) => c.id).sort()];

function versionAt(check: Check, minor: number): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const v of check.versions) if (v.minimumVersion <= minor) found = v;
  return found;
}

const cache = new Map<string, Array<{ id: string; checkPod: CheckPod }>>();

function checksFor(level: 'baseline' | 'restricted', minor: number): Array<{ id: string; checkPod: CheckPod }> {
  const key = `${level}:${minor}`;
  let fns = cache.get(key);
  if (fns) return fns;
  const active = new Map<string, VersionedCheck>();
  for (const check of baselineChecks) {
    const v = versionAt(check, minor);
    if (v) active.set(check.id, v);
  }
  if (level === 'restricted') {
    for (const check of restrictedChecks) {
      const v = versionAt(check, minor);
      if (!v) continue;
      active.set(check.id, v);
      for (const overridden of v.overrides ?? []) active.delete(overridden);
    }
  }
  fns = orderedIds.filter((id) => active.has(id)).map((id) => ({ id, checkPod: active.get(id)!.checkPod }));
  cache.set(key, fns);
  return fns;
}

function minorOf(lv: LevelVersion): number {
  return lv.version === 'latest' ? maxPolicyVersion : Math.min(lv.version, maxPolicyVersion);
}

export function evaluatePod(lv: LevelVersion, meta: ObjectMeta, spec: PodSpec): CheckResult[] {
  if (lv.level === 'privileged') return [];
  return checksFor(lv.level, minorOf(lv)).map((check) => check.checkPod(meta, spec));
}

/** A check the pod fails: its ID, and its reason and detail as Kubernetes prints them. */
export interface FailedCheck {
  id: string;
  reason: string;
  detail: string;
}

/** The checks of the level the pod fails, in the order the refusal lists them. */
export function failedChecks(lv: LevelVersion, meta: ObjectMeta, spec: PodSpec): FailedCheck[] {
  if (lv.level === 'privileged') return [];
  return checksFor(lv.level, minorOf(lv)).flatMap(({ id, checkPod }) => {
    const result = checkPod(meta, spec);
    return result.allowed ? [] : [{ id, reason: result.forbiddenReason || 'unknown forbidden reason', detail: result.forbiddenDetail ?? '' }];
  });
}

/** AggregateCheckResult: its reasons, and `reason (detail), reason (detail)`. */
export function aggregate(results: CheckResult[]): { allowed: boolean; forbiddenReason: string; forbiddenDetail: string } {
  const failed = results.filter((r) => !r.allowed);
  return {
    allowed: failed.length === 0,
    forbiddenReason: failed.map((r) => r.forbiddenReason || 'unknown forbidden reason').join(', '),
    forbiddenDetail: failed.map((r) => `${r.forbiddenReason || 'unknown forbidden reason'}${r.forbiddenDetail ? ` (${r.forbiddenDetail})` : ''}`).join(', '),
  };
}
