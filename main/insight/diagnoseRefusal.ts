// The guided debugger for a refused write: every admission rule over one
// refusal, against the cluster as it is now.

import type { Finding } from '../../preload/api.ts';
import type { AdmissionCluster } from './admissionCluster.ts';
import type { Refusal } from './admissionRefusal.ts';
import { admissionRefused } from './admissionRefused.ts';
import { podSecurityViolation } from './podSecurityViolation.ts';
import { policyDenied } from './policyDenied.ts';
import type { RefusalRule } from './refusalRule.ts';
import { webhookDenied } from './webhookDenied.ts';
import { webhookUnreachable } from './webhookUnreachable.ts';

export const refusalRules: RefusalRule[] = [podSecurityViolation, webhookDenied, webhookUnreachable, policyDenied, admissionRefused];

export function diagnoseRefusal(refusal: Refusal, cluster: AdmissionCluster, now = new Date()): Finding[] {
  return refusalRules.flatMap((rule) => rule(refusal, cluster, now));
}
