// apimachinery's ValidateObjectMeta / ValidateObjectMetaUpdate and the label
// and annotation checks, for the registry to run on every write.

import type { FieldError, ObjectMeta, OwnerReference } from '../../kube/meta.ts';
import { forbidden, invalid, required, tooLong, validateImmutableField, validateNonnegativeField } from './fieldErrors.ts';
import { goStringSlice } from './goSyntax.ts';
import { isQualifiedName, isValidLabelValue } from './names.ts';
import { nameIsDNSLabel, type NameValidator } from './nameValidators.ts';

export const totalAnnotationSizeLimitBytes = 256 * 1024;

export function validateLabelName(name: string, field: string): FieldError[] {
  return isQualifiedName(name).map((msg) => invalid(field, name, msg));
}

/** Errors name the map (`metadata.labels`), not the key, as Kubernetes does. Keys in sorted order, for stable messages. */
export function validateLabels(labels: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of Object.keys(labels ?? {}).sort()) {
    errs.push(...validateLabelName(key, field));
    const value = String(labels![key] ?? '');
    errs.push(...isValidLabelValue(value).map((msg) => invalid(field, value, msg)));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let totalSize = 0;
  for (const key of Object.keys(annotations ?? {}).sort()) {
    // Annotation keys are qualified names except that case does not matter.
    errs.push(...isQualifiedName(key.toLowerCase()).map((msg) => invalid(field, key, msg)));
    totalSize += Buffer.byteLength(key) + Buffer.byteLength(String(annotations![key] ?? ''));
  }
  if (totalSize > totalAnnotationSizeLimitBytes) errs.push(tooLong(field, totalAnnotationSizeLimitBytes));
  return errs;
}

function validateOwnerReferences(refs: OwnerReference[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    const version = (ref.apiVersion ?? '').split('/').pop() ?? '';
    if (!version) errs.push(invalid(`${field}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(invalid(`${field}.kind`, ref.kind ?? '', 'must not be empty'));
    if (!ref.name) errs.push(invalid(`${field}.name`, ref.name ?? '', 'must not be empty'));
    if (!ref.uid) errs.push(invalid(`${field}.uid`, ref.uid ?? '', 'must not be empty'));
    if (ref.controller) {
      const current = `${ref.kind}/${ref.name}`;
      if (firstController) {
        errs.push(
          invalid(field, refs, `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

function validateFinalizers(finalizers: string[] | undefined, field: string): FieldError[] {
  return (finalizers ?? []).flatMap((f) => isQualifiedName(f).map((msg) => invalid(field, f, msg)));
}

/**
 * ValidateObjectMeta: name (or generateName) checked by the kind's rule, namespace required for
 * namespaced kinds and forbidden for cluster-scoped ones, labels, annotations, owner references.
 */
export function validateObjectMeta(meta: ObjectMeta, namespaced: boolean, nameValidator: NameValidator, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generateName) {
    errs.push(...nameValidator(meta.generateName, true).map((msg) => invalid(`${path}.generateName`, meta.generateName, msg)));
  }
  if (!meta.name) {
    errs.push(required(`${path}.name`, 'name or generateName is required'));
  } else {
    errs.push(...nameValidator(meta.name, false).map((msg) => invalid(`${path}.name`, meta.name, msg)));
  }
  if (namespaced) {
    if (!meta.namespace) errs.push(required(`${path}.namespace`));
    else errs.push(...nameIsDNSLabel(meta.namespace, false).map((msg) => invalid(`${path}.namespace`, meta.namespace, msg)));
  } else if (meta.namespace) {
    errs.push(forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  errs.push(...validateNonnegativeField(meta.generation, `${path}.generation`));
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${path}.ownerReferences`));
  errs.push(...validateFinalizers(meta.finalizers, `${path}.finalizers`));
  return errs;
}

/** ValidateObjectMetaUpdate: identity fields are immutable; labels and annotations are checked again. */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta, path = 'metadata'): FieldError[] {
  const errs: FieldError[] = [];
  if (old.deletionTimestamp) {
    const added = (meta.finalizers ?? []).filter((f) => !(old.finalizers ?? []).includes(f));
    if (added.length > 0) {
      errs.push(forbidden(`${path}.finalizers`, `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice([...new Set(added)].sort())}`));
    }
  }
  if (!meta.resourceVersion) errs.push(invalid(`${path}.resourceVersion`, meta.resourceVersion ?? '', 'must be specified for an update'));
  if ((meta.generation ?? 0) < (old.generation ?? 0)) errs.push(invalid(`${path}.generation`, meta.generation ?? 0, 'must not be decremented'));
  errs.push(...validateImmutableField(meta.name, old.name, `${path}.name`));
  errs.push(...validateImmutableField(meta.namespace, old.namespace, `${path}.namespace`));
  errs.push(...validateImmutableField(meta.uid, old.uid, `${path}.uid`));
  errs.push(...validateImmutableField(meta.creationTimestamp, old.creationTimestamp, `${path}.creationTimestamp`));
  errs.push(...validateImmutableField(meta.deletionTimestamp, old.deletionTimestamp, `${path}.deletionTimestamp`));
  errs.push(...validateImmutableField(meta.deletionGracePeriodSeconds, old.deletionGracePeriodSeconds, `${path}.deletionGracePeriodSeconds`));
  errs.push(...validateLabels(meta.labels, `${path}.labels`));
  errs.push(...validateAnnotations(meta.annotations, `${path}.annotations`));
  errs.push(...validateOwnerReferences(meta.ownerReferences, `${path}.ownerReferences`));
  return errs;
}
