// The scaling rules an autoscaling/v2 HorizontalPodAutoscaler gets when its
// behavior leaves fields out (GenerateHPAScaleUpRules/GenerateHPAScaleDownRules):
// the API server fills them in on write, and the controller uses the same
// table for HPAs without any behavior.

import type { HPAScalingRules, HorizontalPodAutoscalerBehavior } from '../types/autoscaling-v2.ts';

/** Scale up at most 4 pods or double, whichever is more, every 15 s; no stabilization. */
export function defaultScaleUpRules(): HPAScalingRules {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: 'Max',
    policies: [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
  };
}

/** Scale down to any size every 15 s; the stabilization window is the controller's (300 s) unless set. */
export function defaultScaleDownRules(): HPAScalingRules {
  return { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };
}

/** copyHPAScalingRules: the fields `given` sets win, the defaults fill the rest. */
function withDefaults(given: HPAScalingRules | undefined, defaults: HPAScalingRules): HPAScalingRules {
  const rules: HPAScalingRules = { ...defaults };
  if (given?.stabilizationWindowSeconds !== undefined && given.stabilizationWindowSeconds !== null) rules.stabilizationWindowSeconds = given.stabilizationWindowSeconds;
  if (given?.selectPolicy) rules.selectPolicy = given.selectPolicy;
  if (given?.policies) rules.policies = given.policies;
  return rules;
}

/** SetDefaults_HorizontalPodAutoscalerBehavior: both directions filled in when a behavior is given. */
export function behaviorWithDefaults(behavior: HorizontalPodAutoscalerBehavior): HorizontalPodAutoscalerBehavior {
  return { scaleUp: withDefaults(behavior.scaleUp, defaultScaleUpRules()), scaleDown: withDefaults(behavior.scaleDown, defaultScaleDownRules()) };
}
