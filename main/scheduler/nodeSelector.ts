// Node selector matching, as k8s.io/component-helpers/scheduling/corev1/nodeaffinity
// does it: a pod's nodeSelector (every label equal) AND its required node
// affinity (terms ORed, requirements within a term ANDed); preferred terms add
// their weight when they match.

import { newRequirement, requirementMatches, type SelectorOperator } from '../kube/labels/labelSelector.ts';
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from './types.ts';

type Matcher = (values: Readonly<Record<string, string>>) => boolean;

/** Own properties only: a field named `toString` must not be found on Object.prototype. */
function valueOf(values: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.hasOwn(values, key) ? values[key] : undefined;
}

const LABEL_OPERATORS: Record<string, SelectorOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

/** nodeSelectorRequirementsAsSelector: each requirement is a labels.Requirement, validated the same way. */
function labelRequirement(requirement: NodeSelectorRequirement): Matcher | string {
  const operator = LABEL_OPERATORS[requirement.operator];
  if (!operator) {
    return `${requirement.key}: Unsupported value: "${requirement.operator}": supported values: "DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"`;
  }
  try {
    const parsed = newRequirement(requirement.key, operator, requirement.values ?? []);
    return (labels) => requirementMatches(parsed, labels as Record<string, string>);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** Field selectors only know In and NotIn with a single value (and only metadata.name exists on nodes). */
function fieldRequirement(requirement: NodeSelectorRequirement): Matcher | string {
  const values = requirement.values ?? [];
  if (requirement.operator !== 'In' && requirement.operator !== 'NotIn') {
    return `${requirement.key}: Unsupported value: "${requirement.operator}": supported values: "In", "NotIn"`;
  }
  if (values.length !== 1) return `${requirement.key}: must have one element`;
  const wanted = values[0];
  const { key } = requirement;
  return requirement.operator === 'In' ? (fields) => valueOf(fields, key) === wanted : (fields) => valueOf(fields, key) !== wanted;
}

interface ParsedTerm {
  errors: string[];
  matches(node: Node): boolean;
}

function isEmptyTerm(term: NodeSelectorTerm | undefined): boolean {
  return !term || ((term.matchExpressions ?? []).length === 0 && (term.matchFields ?? []).length === 0);
}

function parseTerm(term: NodeSelectorTerm): ParsedTerm {
  const errors: string[] = [];
  const parse = (requirements: NodeSelectorRequirement[] | undefined, build: (r: NodeSelectorRequirement) => Matcher | string): Matcher[] =>
    (requirements ?? []).flatMap((requirement) => {
      const matcher = build(requirement);
      if (typeof matcher === 'string') {
        errors.push(matcher);
        return [];
      }
      return [matcher];
    });
  const labelMatchers = parse(term.matchExpressions, labelRequirement);
  const fieldMatchers = parse(term.matchFields, fieldRequirement);
  return {
    errors,
    matches(node) {
      if (errors.length > 0) return false;
      const labels = node.metadata.labels ?? {};
      const fields: Record<string, string> = node.metadata.name ? { 'metadata.name': node.metadata.name } : {};
      return labelMatchers.every((match) => match(labels)) && fieldMatchers.every((match) => match(fields));
    },
  };
}

/** nodeaffinity.RequiredNodeAffinity: what a node must satisfy for the pod. Invalid terms match nothing. */
export class RequiredNodeAffinity {
  private readonly nodeSelector: Readonly<Record<string, string>> | undefined;
  private readonly terms: ParsedTerm[] | undefined;

  constructor(pod: Pod) {
    const selector = pod.spec.nodeSelector;
    this.nodeSelector = selector && Object.keys(selector).length > 0 ? selector : undefined;
    const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    // An empty term selects no node, so a selector of only empty terms selects none.
    this.terms = required ? (required.nodeSelectorTerms ?? []).filter((term) => !isEmptyTerm(term)).map(parseTerm) : undefined;
  }

  match(node: Node): boolean {
    if (this.nodeSelector) {
      const labels = node.metadata.labels ?? {};
      for (const [key, value] of Object.entries(this.nodeSelector)) if (valueOf(labels, key) !== value) return false;
    }
    return this.terms === undefined || this.terms.some((term) => term.matches(node));
  }
}

/** nodeaffinity.PreferredSchedulingTerms: Score() sums the weights of the matching terms. */
export class PreferredSchedulingTerms {
  private readonly terms: { term: ParsedTerm; weight: number }[] = [];

  /** Throws on invalid terms, as NewPreferredSchedulingTerms fails the scheduling cycle with an error. */
  constructor(preferred: readonly PreferredSchedulingTerm[]) {
    const errors: string[] = [];
    for (const { weight, preference } of preferred) {
      if (weight === 0 || isEmptyTerm(preference)) continue;
      const term = parseTerm(preference);
      errors.push(...term.errors);
      this.terms.push({ term, weight });
    }
    if (errors.length > 0) throw new Error(errors.join(', '));
  }

  score(node: Node): number {
    return this.terms.reduce((sum, { term, weight }) => (term.matches(node) ? sum + weight : sum), 0);
  }
}
