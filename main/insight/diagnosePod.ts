// The guided debugger: every rule over one pod, most severe finding first.

import type { Finding } from '../../preload/api.ts';
import { containerCreating } from './containerCreating.ts';
import { claimClass } from './claimClass.ts';
import { crashLoop } from './crashLoop.ts';
import { imagePull } from './imagePull.ts';
import { ingressBackend } from './ingressBackend.ts';
import { nodeNotReady } from './nodeNotReady.ts';
import { notReady } from './notReady.ts';
import { pendingScheduling } from './pendingScheduling.ts';
import { rbacDenied } from './rbacDenied.ts';
import { runFailed } from './runFailed.ts';
import type { DiagnosisInput, Rule } from './rule.ts';

export const rules: Rule[] = [nodeNotReady, claimClass, pendingScheduling, imagePull, containerCreating, crashLoop, runFailed, rbacDenied, notReady, ingressBackend];

const severityRank = { error: 0, warning: 1, info: 2 };

export function diagnosePod(input: DiagnosisInput, now = new Date()): Finding[] {
  return rules.flatMap((rule) => rule(input, now)).sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);
}
