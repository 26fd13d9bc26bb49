// The pods/ephemeralcontainers subresource (`kubectl debug`), as
// pkg/registry/core/pod's podEphemeralContainersStrategy: a write there
// changes spec.ephemeralContainers and nothing else, and may only add to it.
// Ephemeral containers never restart and are never removed: one that ended
// stays in the spec with its status, as kubelet reported it.

import { deepEqual } from '../../../kube/deepEqual.ts';
import type { FieldError, KubeObject } from '../../../kube/meta.ts';
import { forbidden } from '../../validation/fieldErrors.ts';
import { objectAt, objectsAt, stringAt, type JsonObject } from './json.ts';
import { validatePodSpec } from './podSpecValidation.ts';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** dropNonEphemeralContainerUpdates: the stored pod with the request's ephemeral containers. */
export function withEphemeralContainersOf(desired: KubeObject, current: KubeObject): KubeObject {
  const spec: JsonObject = { ...objectAt(current, 'spec') };
  const ephemeral = objectAt(desired, 'spec')?.ephemeralContainers;
  if (ephemeral === undefined) delete spec.ephemeralContainers;
  else spec.ephemeralContainers = ephemeral;
  return { ...current, spec };
}

/** ValidatePodEphemeralContainersUpdate: the pod still valid, and what was there before still there, unchanged. */
export function validatePodEphemeralContainersUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  if (old.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return [forbidden('', 'static pods do not support ephemeral containers')];
  const errs = validatePodSpec(objectAt(pod, 'spec'), 'spec');
  const now = new Map(objectsAt(objectAt(pod, 'spec'), 'ephemeralContainers').map((c) => [stringAt(c, 'name'), c]));
  for (const before of objectsAt(objectAt(old, 'spec'), 'ephemeralContainers')) {
    const name = stringAt(before, 'name');
    const after = now.get(name);
    if (!after) errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers "${name}" may not be removed`));
    else if (!deepEqual(after, before)) errs.push(forbidden('spec.ephemeralContainers', `existing ephemeral containers "${name}" may not be changed`));
  }
  return errs;
}

/** ValidatePodCreate's rule: ephemeral containers come only through the subresource. */
export function ephemeralContainersOnCreate(pod: KubeObject): FieldError[] {
  return objectsAt(objectAt(pod, 'spec'), 'ephemeralContainers').length > 0 ? [forbidden('spec.ephemeralContainers', 'cannot be set on create')] : [];
}
