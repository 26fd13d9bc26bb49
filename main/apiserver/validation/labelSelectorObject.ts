// metav1.LabelSelector (matchLabels + matchExpressions) as workloads carry
// it: validation, conversion to requirements, and the printed forms.

import type { FieldError } from '../../kube/meta.ts';
import { forbidden, invalid, required } from './fieldErrors.ts';
import { GoValue, goQuote, goStringMap, goStringSlice, goStruct } from './goSyntax.ts';
import { labelSelectorToString, newRequirement, SelectorParseError, type LabelRequirement, type SelectorOperator } from '../../kube/labels/labelSelector.ts';
import { isValidLabelValue } from './names.ts';
import { validateLabelName, validateLabels } from './objectMeta.ts';

export interface LabelSelectorRequirementObject {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirementObject[];
}

const operators: Record<string, SelectorOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/** metav1validation.ValidateLabelSelector (label values in expressions checked strictly). */
export function validateLabelSelectorObject(selector: LabelSelectorObject | undefined, field: string): FieldError[] {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, `${field}.matchLabels`);
  (selector.matchExpressions ?? []).forEach((expr, i) => {
    const path = `${field}.matchExpressions[${i}]`;
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(`${path}.operator`, expr.operator, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(expr.key ?? '', `${path}.key`));
    values.forEach((v, j) => errs.push(...isValidLabelValue(v).map((msg) => invalid(`${path}.values[${j}]`, v, msg))));
  });
  return errs;
}

/**
 * metav1.LabelSelectorAsSelector: absent selects nothing (undefined), empty selects everything ([]).
 * Throws SelectorParseError for an operator or value Kubernetes would not accept.
 */
export function labelSelectorObjectToRequirements(selector: LabelSelectorObject | undefined): LabelRequirement[] | undefined {
  if (!selector) return undefined;
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) requirements.push(newRequirement(key, '=', [String(value)]));
  for (const expr of selector.matchExpressions ?? []) {
    const op = operators[expr.operator];
    if (!op) throw new SelectorParseError(`${goQuote(String(expr.operator))} is not a valid label selector operator`);
    requirements.push(newRequirement(expr.key, op, [...(expr.values ?? [])]));
  }
  return requirements;
}

/** metav1.FormatLabelSelector, the SELECTOR column of replicasets: `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelectorObject(selector: LabelSelectorObject | undefined): string {
  try {
    const text = labelSelectorToString(labelSelectorObjectToRequirements(selector) ?? []);
    return text || '<none>';
  } catch {
    return '<error>';
  }
}

/** The selector as Go's %#v prints a *metav1.LabelSelector in "field is immutable" messages. */
export function goLabelSelector(selector: LabelSelectorObject | undefined): GoValue {
  if (!selector) return new GoValue('null');
  const exprs = selector.matchExpressions;
  const renderedExprs = exprs
    ? `[]v1.LabelSelectorRequirement{${exprs
        .map((e) =>
          goStruct('v1.LabelSelectorRequirement', [
            ['Key', goQuote(e.key ?? '')],
            ['Operator', goQuote(e.operator ?? '')],
            ['Values', goStringSlice(e.values)],
          ]),
        )
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoValue(
    goStruct('v1.LabelSelector', [
      ['MatchLabels', goStringMap(selector.matchLabels)],
      ['MatchExpressions', renderedExprs],
    ]),
  );
}
