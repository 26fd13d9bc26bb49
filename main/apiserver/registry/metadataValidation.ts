// ObjectMeta validation the registry applies to every kind, with the kind's
// own rule for names.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { nameIsDNSSubdomain } from '../validation/nameValidators.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/objectMeta.ts';
import type { ResourceDefinition } from './resourceDefinition.ts';

export function validateMetadata(obj: KubeObject, def: ResourceDefinition): FieldError[] {
  return validateObjectMeta(obj.metadata, def.namespaced, def.nameValidator ?? nameIsDNSSubdomain);
}

export function validateMetadataUpdate(obj: KubeObject, old: KubeObject, def: ResourceDefinition): FieldError[] {
  return [...validateMetadata(obj, def), ...validateObjectMetaUpdate(obj.metadata, old.metadata)];
}
