// How the HPA turns the metrics' proposal into the replica count it sets
// (horizontal.go's normalizeDesiredReplicas*): recent recommendations
// stabilize it (by default the highest of the last 5 minutes when scaling
// down), and limits bound it: min/max replicas and, without a behavior, at
// most double (or 4) at once; with a behavior, the Pods/Percent policies over
// their periods, counting the scale events of this HPA in those periods.
// Each step reports the reason and message of the condition it decides.

import type { HPAScalingRules } from '../../kube/types/autoscaling-v2.ts';

interface Recommendation {
  replicas: number;
  at: number;
}

interface ScaleEvent {
  /** Pods added (scale-up events) or removed (scale-down events). */
  change: number;
  at: number;
  outdated: boolean;
}

export interface Limited {
  replicas: number;
  reason: string;
  message: string;
}

/** What the controller remembers of one HPA between syncs. */
export class ScaleHistory {
  private recommendations: Recommendation[] = [];
  private scaleUpEvents: ScaleEvent[] = [];
  private scaleDownEvents: ScaleEvent[] = [];

  /** recordInitialRecommendation: the first sync remembers the current size. */
  recordInitial(currentReplicas: number, now: number): void {
    if (this.recommendations.length === 0) this.recommendations = [{ replicas: currentReplicas, at: now }];
  }

  /** stabilizeRecommendation (no behavior): the highest recommendation within the window, the new one recorded. */
  stabilizeDown(proposal: number, windowMs: number, now: number): number {
    let highest = proposal;
    let oldIndex = -1;
    const cutoff = now - windowMs;
    this.recommendations.forEach((rec, i) => {
      if (rec.at < cutoff) oldIndex = i;
      else if (rec.replicas > highest) highest = rec.replicas;
    });
    this.record(oldIndex, { replicas: proposal, at: now });
    return highest;
  }

  /** stabilizeRecommendationWithBehaviors: between the lowest recommendation of the up window and the highest of the down window. */
  stabilizeWithBehavior(current: number, proposal: number, upWindowSeconds: number, downWindowSeconds: number, now: number): Limited {
    let upRecommendation = proposal;
    let downRecommendation = proposal;
    const upCutoff = now - upWindowSeconds * 1000;
    const downCutoff = now - downWindowSeconds * 1000;
    let oldIndex = -1;
    this.recommendations.forEach((rec, i) => {
      if (rec.at > upCutoff) upRecommendation = Math.min(rec.replicas, upRecommendation);
      if (rec.at > downCutoff) downRecommendation = Math.max(rec.replicas, downRecommendation);
      if (rec.at < upCutoff && rec.at < downCutoff) oldIndex = i;
    });
    let replicas = current;
    if (replicas < upRecommendation) replicas = upRecommendation;
    if (replicas > downRecommendation) replicas = downRecommendation;
    this.record(oldIndex, { replicas: proposal, at: now });
    return proposal >= current
      ? { replicas, reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
      : { replicas, reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
  }

  /** storeScaleEvent: kept only for HPAs with a behavior, reusing an entry older than the longest policy period. */
  storeScaleEvent(rules: HPAScalingRules, previous: number, next: number, now: number): void {
    const up = next > previous;
    const events = up ? this.scaleUpEvents : this.scaleDownEvents;
    const cutoff = now - longestPolicyPeriodSeconds(rules) * 1000;
    let oldIndex = -1;
    events.forEach((event, i) => {
      if (event.at < cutoff) event.outdated = true;
      if (event.outdated) oldIndex = i;
    });
    const event = { change: Math.abs(next - previous), at: now, outdated: false };
    if (oldIndex >= 0) events[oldIndex] = event;
    else events.push(event);
  }

  /** convertDesiredReplicasWithBehaviorRate: the policies' limit on this change, then min/max replicas. */
  limitWithBehavior(current: number, desired: number, min: number, max: number, up: HPAScalingRules, down: HPAScalingRules, now: number): Limited {
    if (desired > current) {
      const limit = Math.max(this.scaleUpLimit(current, up, now), current);
      const byRate = max > limit;
      const allowed = byRate ? limit : max;
      if (desired > allowed) {
        return byRate
          ? { replicas: allowed, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' }
          : { replicas: allowed, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
      }
    } else if (desired < current) {
      const limit = Math.min(this.scaleDownLimit(current, down, now), current);
      const byRate = min < limit;
      const allowed = byRate ? limit : min;
      if (desired < allowed) {
        return byRate
          ? { replicas: allowed, reason: 'ScaleDownLimit', message: 'the desired replica count is decreasing faster than the maximum scale rate' }
          : { replicas: allowed, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
      }
    }
    return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
  }

  private record(oldIndex: number, rec: Recommendation): void {
    if (oldIndex >= 0) this.recommendations[oldIndex] = rec;
    else this.recommendations.push(rec);
  }

  /** getReplicasChangePerPeriod. */
  private changeWithin(events: ScaleEvent[], periodSeconds: number, now: number): number {
    const cutoff = now - periodSeconds * 1000;
    return events.reduce((sum, e) => (e.at > cutoff ? sum + e.change : sum), 0);
  }

  /** calculateScaleUpLimitWithScalingRules. */
  private scaleUpLimit(current: number, rules: HPAScalingRules, now: number): number {
    if (rules.selectPolicy === 'Disabled') return current;
    const pickMin = rules.selectPolicy === 'Min';
    let result = pickMin ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
    for (const policy of rules.policies ?? []) {
      const start = current - this.changeWithin(this.scaleUpEvents, policy.periodSeconds, now) + this.changeWithin(this.scaleDownEvents, policy.periodSeconds, now);
      // Rounded up, or a small Percent policy would never add a pod.
      const proposed = policy.type === 'Pods' ? start + policy.value : Math.ceil(start * (1 + policy.value / 100));
      result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return result;
  }

  /** calculateScaleDownLimitWithBehaviors. */
  private scaleDownLimit(current: number, rules: HPAScalingRules, now: number): number {
    if (rules.selectPolicy === 'Disabled') return current;
    const pickMin = rules.selectPolicy === 'Min';
    let result = pickMin ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
    for (const policy of rules.policies ?? []) {
      const start = current - this.changeWithin(this.scaleUpEvents, policy.periodSeconds, now) + this.changeWithin(this.scaleDownEvents, policy.periodSeconds, now);
      const proposed = policy.type === 'Pods' ? start - policy.value : Math.trunc(start * (1 - policy.value / 100));
      result = pickMin ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
  }
}

function longestPolicyPeriodSeconds(rules: HPAScalingRules): number {
  return (rules.policies ?? []).reduce((longest, p) => Math.max(longest, p.periodSeconds), 0);
}

/** convertDesiredReplicasWithRules (no behavior): min/max replicas, and at most max(2 × current, 4) at once. */
export function limitWithoutBehavior(current: number, desired: number, min: number, max: number): Limited {
  const scaleUpLimit = Math.trunc(Math.max(2 * current, 4));
  const byRate = max > scaleUpLimit;
  const allowedMax = byRate ? scaleUpLimit : max;
  if (desired < min) return { replicas: min, reason: 'TooFewReplicas', message: 'the desired replica count is less than the minimum replica count' };
  if (desired > allowedMax) {
    return byRate
      ? { replicas: allowedMax, reason: 'ScaleUpLimit', message: 'the desired replica count is increasing faster than the maximum scale rate' }
      : { replicas: allowedMax, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' };
  }
  return { replicas: desired, reason: 'DesiredWithinRange', message: 'the desired count is within the acceptable range' };
}
