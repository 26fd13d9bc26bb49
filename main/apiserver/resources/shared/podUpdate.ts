// ValidatePodUpdate: a pod's spec is immutable except for container images,
// activeDeadlineSeconds (only shortened), added tolerations, removed
// scheduling gates, and terminationGracePeriodSeconds from negative to 1.

import type { FieldError } from '../../../kube/meta.ts';
import { forbidden, invalid, required, semanticEqual } from '../../validation/fieldErrors.ts';
import { inclusiveRangeError } from '../../validation/names.ts';
import { isObject, numberAt, objectsAt, stringAt, type JsonObject } from './json.ts';
import { validateTolerations } from './podSpecValidation.ts';
import { deepCopy } from '../../../kube/deepCopy.ts';

const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function validateContainerUpdates(next: JsonObject[], old: JsonObject[], path: string): [FieldError[], boolean] {
  if (next.length !== old.length) return [[forbidden(path, 'pod updates may not add or remove containers')], true];
  const errs: FieldError[] = [];
  next.forEach((c, i) => {
    const image = stringAt(c, 'image');
    if (!image) errs.push(required(`${path}[${i}].image`));
    if (image.trim() !== image) errs.push(invalid(`${path}[${i}].image`, image, 'must not have leading or trailing whitespace'));
  });
  return [errs, false];
}

function withoutSeconds(t: JsonObject): JsonObject {
  const { tolerationSeconds: _ignored, ...rest } = t;
  return rest;
}

function validateOnlyAddedTolerations(next: JsonObject[], old: JsonObject[], path: string): FieldError[] {
  for (const o of old) {
    if (!next.some((n) => semanticEqual(withoutSeconds(n), withoutSeconds(o)))) {
      return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
    }
  }
  return validateTolerations(next, path);
}

/** A short account of what changed, standing in for the cmp.Diff Kubernetes appends. */
function describeDiff(old: unknown, next: unknown, path: string, out: string[]): void {
  if (semanticEqual(old, next)) return;
  if (isObject(old) && isObject(next)) {
    for (const key of new Set([...Object.keys(old), ...Object.keys(next)])) describeDiff(old[key], next[key], `${path}.${key}`, out);
    return;
  }
  if (Array.isArray(old) && Array.isArray(next) && old.length === next.length) {
    old.forEach((v, i) => describeDiff(v, next[i], `${path}[${i}]`, out));
    return;
  }
  out.push(`- ${path}: ${JSON.stringify(old ?? null)}`, `+ ${path}: ${JSON.stringify(next ?? null)}`);
}

export function validatePodSpecUpdate(spec: JsonObject, oldSpec: JsonObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['containers', 'initContainers']) {
    const [containerErrs, stop] = validateContainerUpdates(objectsAt(spec, key), objectsAt(oldSpec, key), `spec.${key}`);
    errs.push(...containerErrs);
    if (stop) return errs;
  }
  const deadline = numberAt(spec, 'activeDeadlineSeconds');
  const oldDeadline = numberAt(oldSpec, 'activeDeadlineSeconds');
  if (deadline !== undefined) {
    if (deadline < 0 || deadline > 2147483647) return [...errs, invalid('spec.activeDeadlineSeconds', deadline, inclusiveRangeError(0, 2147483647))];
    if (oldDeadline !== undefined && oldDeadline < deadline) {
      return [...errs, invalid('spec.activeDeadlineSeconds', deadline, 'must be less than or equal to previous value')];
    }
  } else if (oldDeadline !== undefined) {
    errs.push(invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(objectsAt(spec, 'tolerations'), objectsAt(oldSpec, 'tolerations'), 'spec.tolerations'));
  const oldGates = objectsAt(oldSpec, 'schedulingGates');
  for (const gate of objectsAt(spec, 'schedulingGates')) {
    if (!oldGates.some((g) => g.name === gate.name)) {
      errs.push(forbidden('spec.schedulingGates', `only deletion is allowed, but found new scheduling gate '${stringAt(gate, 'name')}'`));
    }
  }
  if (semanticEqual(spec, oldSpec)) return errs;

  // Put back what may change, then any remaining difference is forbidden.
  const munged: JsonObject = deepCopy(spec);
  for (const key of ['containers', 'initContainers']) {
    const oldContainers = objectsAt(oldSpec, key);
    objectsAt(munged, key).forEach((c, i) => (c.image = oldContainers[i]?.image));
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  const oldGrace = numberAt(oldSpec, 'terminationGracePeriodSeconds');
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (!semanticEqual(munged, oldSpec)) {
    const diff: string[] = [];
    describeDiff(oldSpec, munged, 'spec', diff);
    errs.push(forbidden('spec', `pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${diff.join('\n')}`));
  }
  return errs;
}
