// setCondition of the HPA controller: one condition per type, in the order
// first set; lastTransitionTime moves only when the status changes.

import type { HorizontalPodAutoscalerCondition } from '../../kube/types/autoscaling-v2.ts';

export type HpaConditionType = 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';

export function setCondition(conditions: HorizontalPodAutoscalerCondition[], type: HpaConditionType, status: 'True' | 'False', reason: string, message: string, now: string): HorizontalPodAutoscalerCondition[] {
  const list = conditions.map((c) => ({ ...c }));
  let existing = list.find((c) => c.type === type);
  if (!existing) {
    existing = { type, status: '' };
    list.push(existing);
  }
  if (existing.status !== status) existing.lastTransitionTime = now;
  existing.status = status;
  existing.reason = reason;
  existing.message = message;
  return list;
}
