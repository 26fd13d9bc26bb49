// Label selectors as controllers use them: a workload's metav1.LabelSelector
// (matchLabels + matchExpressions) and a Service's plain map selector.

import { labelsMatch } from '../../apiserver/validation/labelSelector.ts';
import { labelSelectorObjectToRequirements, type LabelSelectorObject } from '../../apiserver/validation/labelSelectorObject.ts';

export interface Selector {
  matches(labels: Record<string, string> | undefined): boolean;
  /** Selects everything: controllers refuse to act on such selectors. */
  readonly empty: boolean;
}

/** metav1.LabelSelectorAsSelector; throws on a selector Kubernetes would reject. An absent selector selects nothing. */
export function workloadSelector(selector: LabelSelectorObject | undefined): Selector {
  const requirements = labelSelectorObjectToRequirements(selector);
  if (!requirements) return { matches: () => false, empty: false };
  return { matches: (labels) => labelsMatch(requirements, labels), empty: requirements.length === 0 };
}

/** labels.SelectorFromSet for a Service's selector: every key must have its value. */
export function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}
