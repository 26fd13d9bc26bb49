// What Deployments, ReplicaSets and StatefulSets share: the pod template
// defaults, the selector that must select the template's labels, replica
// counts, the immutable selector, and the template columns of their tables.

import type { FieldError, KubeObject } from '../../../kube/meta.ts';
import { forbidden, invalid, notSupported, required, validateImmutableField, validateNonnegativeField } from '../../validation/fieldErrors.ts';
import { GoValue, goQuote, goStringMap } from '../../validation/goSyntax.ts';
import { labelsMatch } from '../../../kube/labels/labelSelector.ts';
import {
  goLabelSelector,
  labelSelectorObjectToRequirements,
  validateLabelSelectorObject,
  type LabelSelectorObject,
} from '../../validation/labelSelectorObject.ts';
import { isValidPercent } from '../../validation/names.ts';
import { containersColumnDescription, column, imagesColumnDescription } from './columns.ts';
import { ensureObject, isObject, numberAt, objectAt, stringMapAt, type JsonObject } from './json.ts';
import { defaultPodSpec } from './podSpecDefaults.ts';
import { validatePodTemplateSpec } from './podSpecValidation.ts';
import { containerCells } from './tableCells.ts';

export function workloadSpec(obj: KubeObject): JsonObject {
  return ensureObject(obj, 'spec');
}

export function selectorOf(obj: KubeObject): LabelSelectorObject | undefined {
  const selector = objectAt(obj.spec, 'selector');
  return selector ? (selector as LabelSelectorObject) : undefined;
}

/** Workloads default replicas to 1 and their template like a pod spec (without the pod-only defaults). */
export function defaultWorkload(obj: KubeObject): void {
  const spec = workloadSpec(obj);
  if (numberAt(spec, 'replicas') === undefined) spec.replicas = 1;
  const template = ensureObject(spec, 'template');
  defaultPodSpec(ensureObject(template, 'spec'), false);
}

export function validateReplicas(spec: JsonObject): FieldError[] {
  return [...validateNonnegativeField(numberAt(spec, 'replicas'), 'spec.replicas'), ...validateNonnegativeField(numberAt(spec, 'minReadySeconds'), 'spec.minReadySeconds')];
}

/**
 * The selector (required, valid, not empty) and the template it must select, as
 * ValidateDeploymentSpec / ValidateReplicaSetSpec / ValidateStatefulSetSpec check them.
 * `emptyNoun` is the word in "empty selector is invalid for deployment".
 */
export function validateSelectorAndTemplate(obj: KubeObject, emptyNoun: string | undefined, claimVolumes: string[] = [], restartPolicies: string[] = ['Always']): FieldError[] {
  const spec = workloadSpec(obj);
  const selector = selectorOf(obj);
  const errs: FieldError[] = [];
  if (!selector) {
    errs.push(required('spec.selector'));
  } else {
    errs.push(...validateLabelSelectorObject(selector, 'spec.selector'));
    // Jobs (no emptyNoun) allow an empty selector: theirs is generated.
    if (emptyNoun && Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0) {
      errs.push(invalid('spec.selector', goLabelSelector(selector), `empty selector is invalid for ${emptyNoun}`));
    }
  }
  let requirements;
  try {
    requirements = labelSelectorObjectToRequirements(selector);
  } catch {
    errs.push(invalid('spec.selector', goLabelSelector(selector), 'invalid label selector'));
    return errs;
  }
  const template = objectAt(spec, 'template');
  if (!isObject(template)) return [...errs, required('spec.template')];
  const labels = stringMapAt(objectAt(template, 'metadata'), 'labels');
  if (requirements && requirements.length > 0 && !labelsMatch(requirements, labels)) {
    errs.push(invalid('spec.template.metadata.labels', new GoValue(goStringMap(labels)), '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, 'spec.template', claimVolumes));
  const templateSpec = objectAt(template, 'spec');
  const restartPolicy = String(templateSpec?.restartPolicy ?? '');
  // An empty list: the caller checks the restart policy itself (Jobs word it their own way).
  if (restartPolicies.length > 0 && !restartPolicies.includes(restartPolicy)) errs.push(notSupported('spec.template.spec.restartPolicy', restartPolicy, restartPolicies));
  if (emptyNoun && templateSpec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${emptyNoun === 'statefulset' ? 'StatefulSet' : 'ReplicaSet'} is not Supported`));
  }
  return errs;
}

/** apps/v1 forbids changing the selector after creation. */
export function validateSelectorUnchanged(obj: KubeObject, old: KubeObject): FieldError[] {
  return validateImmutableField(selectorOf(obj), selectorOf(old), 'spec.selector', goLabelSelector(selectorOf(obj)));
}

/** intstr.IntOrString as %#v prints it in messages. */
export function goIntOrString(value: unknown): GoValue {
  if (typeof value === 'number') return new GoValue(`intstr.IntOrString{Type:0, IntVal:${value}, StrVal:""}`);
  return new GoValue(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(String(value ?? ''))}}`);
}

/** ValidatePositiveIntOrPercent: a non-negative number or "N%". */
export function validateIntOrPercent(value: unknown, field: string): FieldError[] {
  if (typeof value === 'string') return isValidPercent(value).map((msg) => invalid(field, goIntOrString(value), msg));
  if (typeof value === 'number') return validateNonnegativeField(value, field);
  return [invalid(field, goIntOrString(value), "must be an integer or percentage (e.g '5%')")];
}

export function intOrPercentValue(value: unknown): number {
  if (typeof value === 'number') return value;
  const n = Number.parseInt(String(value ?? '').replace(/%$/, ''), 10);
  return Number.isNaN(n) ? 0 : n;
}

export const templateColumns = [
  column('Containers', 'string', containersColumnDescription, 1),
  column('Images', 'string', imagesColumnDescription, 1),
];

export function templateCells(obj: KubeObject): [string, string] {
  return containerCells(objectAt(objectAt(obj.spec, 'template'), 'spec'));
}
