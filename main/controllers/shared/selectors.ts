// Label selectors as controllers use them: a workload's metav1.LabelSelector
// (matchLabels + matchExpressions) and a Service's plain map selector.

import { labelsMatch } from '../../kube/labels/labelSelector.ts';
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

/** The workload's selector, or undefined when it is invalid (validation keeps those out; retrying would not help). */
export function validWorkloadSelector(selector: LabelSelectorObject | undefined): Selector | undefined {
  try {
    return workloadSelector(selector);
  } catch {
    return undefined;
  }
}

/** A workload selector that is valid, not empty, and matches `labels`: that workload might adopt the object. */
export function mightAdopt(selector: LabelSelectorObject | undefined, labels: Record<string, string> | undefined): boolean {
  const compiled = validWorkloadSelector(selector);
  return !!compiled && !compiled.empty && compiled.matches(labels);
}

/** labels.SelectorFromSet for a Service's selector: every key must have its value. */
export function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}
