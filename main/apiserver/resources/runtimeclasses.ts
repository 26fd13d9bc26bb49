// RuntimeClasses (node.k8s.io/v1): which container runtime configuration a
// pod runs with (its handler, as the node's runtime names it), the pod
// overhead it brings and where its pods may go. ValidateRuntimeClass: the
// handler a DNS label, fixed once created; the overhead valid quantities; the
// scheduling labels and tolerations valid. kubectl's columns: NAME, HANDLER,
// AGE. The RuntimeClass admission plugin applies them to pods
// (admission/runtimeClass.ts); the kubelet hands the handler to the runtime.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid, validateImmutableField } from '../validation/fieldErrors.ts';
import { isDNS1123Label } from '../validation/names.ts';
import { validateLabels } from '../validation/objectMeta.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { objectAt, objectsAt, type JsonObject } from './shared/json.ts';
import { validateTolerations } from './shared/podSpecValidation.ts';
import { validateResourceRequirements } from './shared/resourceRequirements.ts';

export interface RuntimeClass extends KubeObject {
  handler?: string;
  overhead?: { podFixed?: Record<string, string> };
  scheduling?: { nodeSelector?: Record<string, string>; tolerations?: JsonObject[] };
}

function validate(obj: KubeObject): FieldError[] {
  const rc = obj as RuntimeClass;
  const errs = isDNS1123Label(rc.handler ?? '').map((message) => invalid('handler', rc.handler ?? '', message));
  // As kube: the overhead is checked as a container's limits would be.
  if (rc.overhead) errs.push(...validateResourceRequirements({ limits: (rc.overhead.podFixed ?? {}) as JsonObject }, 'overhead'));
  if (rc.scheduling) {
    const scheduling = rc.scheduling as unknown as JsonObject;
    errs.push(...validateLabels(objectAt(scheduling, 'nodeSelector') as Record<string, string> | undefined, 'scheduling.nodeSelector'));
    errs.push(...validateTolerations(objectsAt(scheduling, 'tolerations'), 'scheduling.tolerations'));
  }
  return errs;
}

export const runtimeclasses: ResourceDefinition = {
  group: 'node.k8s.io',
  version: 'v1',
  kind: 'RuntimeClass',
  plural: 'runtimeclasses',
  singular: 'runtimeclass',
  namespaced: false,
  subresources: [],
  strategy: {
    validate,
    validateUpdate: (obj, old) => [...validate(obj), ...validateImmutableField((obj as RuntimeClass).handler, (old as RuntimeClass).handler, 'handler')],
    table: {
      columns: [nameColumn(), column('Handler', 'string', 'handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class.'), ageColumn()],
      row: (obj, now) => [obj.metadata.name, (obj as RuntimeClass).handler ?? '', ageSince(obj.metadata.creationTimestamp, now)],
    },
  },
};
