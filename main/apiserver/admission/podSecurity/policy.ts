// A namespace's Pod Security policy from its labels
// (pod-security.kubernetes.io/enforce|audit|warn and their -version), as
// k8s.io/pod-security-admission/api PolicyToEvaluate reads them: defaults
// privileged:latest; an invalid enforce level fails closed (restricted), an
// invalid audit or warn level fails open; warn follows a stricter enforce
// unless set.

import type { FieldError } from '../../../kube/meta.ts';
import { invalid } from '../../validation/fieldErrors.ts';

export type Level = 'privileged' | 'baseline' | 'restricted';
/** A minor version of v1.x, or latest. */
export type PolicyVersion = number | 'latest';

export interface LevelVersion {
  level: Level;
  version: PolicyVersion;
}

export interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

const labelPrefix = 'pod-security.kubernetes.io/';
export const enforceLevelLabel = `${labelPrefix}enforce`;
const levels: Level[] = ['privileged', 'baseline', 'restricted'];

export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${lv.version === 'latest' ? 'latest' : `v1.${lv.version}`}`;
}

export function compareLevels(a: Level, b: Level): number {
  return levels.indexOf(a) - levels.indexOf(b);
}

function parseLevel(value: string): { level: Level; error?: string } {
  if ((levels as string[]).includes(value)) return { level: value as Level };
  return { level: 'restricted', error: `must be one of ${levels.join(', ')}` };
}

function parseVersion(value: string): { version: PolicyVersion; error?: string } {
  if (value === 'latest') return { version: 'latest' };
  const match = /^v1\.([0-9]|[1-9][0-9]*)$/.exec(value);
  if (!match) return { version: 'latest', error: 'must be "latest" or "v1.x"' };
  return { version: Number(match[1]) };
}

const privilegedLatest: LevelVersion = { level: 'privileged', version: 'latest' };

export function policyToEvaluate(labels: Record<string, string> | undefined): { policy: Policy; errors: FieldError[] } {
  const policy: Policy = { enforce: { ...privilegedLatest }, audit: { ...privilegedLatest }, warn: { ...privilegedLatest } };
  const errors: FieldError[] = [];
  if (!labels) return { policy, errors };
  const record = (label: string, value: string, error: string | undefined) => {
    if (error) errors.push(invalid(`metadata.labels[${label}]`, value, error));
  };
  let hasEnforceLevel = false;
  let hasWarnLevel = false;
  let hasWarnVersion = false;
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    const levelLabel = `${labelPrefix}${mode}`;
    const versionLabel = `${labelPrefix}${mode}-version`;
    if (labels[levelLabel] !== undefined) {
      const { level, error } = parseLevel(labels[levelLabel]);
      policy[mode].level = level;
      record(levelLabel, labels[levelLabel], error);
      if (mode === 'enforce') hasEnforceLevel = !error;
      if (mode === 'warn') hasWarnLevel = true;
      // Audit and warn fail open.
      if (error && mode !== 'enforce') policy[mode].level = 'privileged';
    }
    if (labels[versionLabel] !== undefined) {
      const { version, error } = parseVersion(labels[versionLabel]);
      policy[mode].version = version;
      record(versionLabel, labels[versionLabel], error);
      if (mode === 'warn') hasWarnVersion = true;
    }
  }
  if (!hasWarnLevel && hasEnforceLevel && compareLevels(policy.enforce.level, policy.warn.level) > 0) {
    policy.warn.level = policy.enforce.level;
    if (!hasWarnVersion) policy.warn.version = policy.enforce.version;
  }
  return { policy, errors };
}

export function sameLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && a.version === b.version;
}
