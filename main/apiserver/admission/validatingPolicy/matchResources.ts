// Whether a policy's matchConstraints (or a binding's matchResources) take a
// request, as k8s.io/apiserver's generic policy matcher decides: namespace
// and object selectors, excludeResourceRules, then resourceRules (with
// resourceNames), trying equivalent versions under matchPolicy Equivalent.
// The answer is the view the policy sees (converted when equivalent).

import type { MatchResources } from '../../../kube/types/admissionregistration-v1.ts';
import type { ResourceDefinition } from '../../registry/resourceDefinition.ts';
import type { LabelSelectorObject } from '../../validation/labelSelectorObject.ts';
import type { AdmissionView } from '../admissionRequest.ts';
import { equivalentViews } from '../equivalentResources.ts';
import { namespaceSelectorMatches, objectSelectorMatches, type NamespaceGetter } from '../objectSelection.ts';
import { namedRuleMatches, type AdmissionRule } from '../ruleMatching.ts';

function rulesMatch(rules: AdmissionRule[], matchPolicy: string, view: AdmissionView, def: ResourceDefinition, all: readonly ResourceDefinition[]): AdmissionView | undefined {
  if (rules.some((rule) => namedRuleMatches(rule, view))) return view;
  if (matchPolicy !== 'Equivalent') return undefined;
  return equivalentViews(view, def, all).find((candidate) => rules.some((rule) => namedRuleMatches(rule, candidate)));
}

export async function matchResources(
  match: MatchResources | undefined,
  view: AdmissionView,
  def: ResourceDefinition,
  all: readonly ResourceDefinition[],
  getNamespace: NamespaceGetter,
): Promise<AdmissionView | undefined> {
  if (!match) return view;
  if (!(await namespaceSelectorMatches(match.namespaceSelector as LabelSelectorObject | undefined, view, getNamespace))) return undefined;
  if (!objectSelectorMatches(match.objectSelector as LabelSelectorObject | undefined, view)) return undefined;
  const matchPolicy = match.matchPolicy ?? 'Equivalent';
  if (rulesMatch((match.excludeResourceRules ?? []) as AdmissionRule[], matchPolicy, view, def, all)) return undefined;
  const rules = (match.resourceRules ?? []) as AdmissionRule[];
  if (rules.length === 0) return view;
  return rulesMatch(rules, matchPolicy, view, def, all);
}
