// matchPolicy Equivalent: a request for a resource that the rules do not
// name in its own group/version still matches when they name another version
// (or group) of the same stored resource, and the webhook or policy then sees
// the object converted to that version, as kube-apiserver converts it
// (a CRD's served versions, core/v1 and events.k8s.io/v1 Events).

import type { KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import type { AdmissionView } from './admissionRequest.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

function storageKey(def: ResourceDefinition): string {
  const stored = def.storage ?? def;
  return `${stored.group}/${stored.plural}`;
}

function apiVersionOf(def: ResourceDefinition): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

function convert(obj: KubeObject, from: ResourceDefinition, to: ResourceDefinition): KubeObject {
  const stored = from.storage ? from.storage.toStorage(deepCopy(obj)) : deepCopy(obj);
  const served = to.storage ? to.storage.fromStorage(stored) : stored;
  return { ...served, apiVersion: apiVersionOf(to), kind: to.kind };
}

/** The request as each other served version of its resource would see it. */
export function equivalentViews(view: AdmissionView, def: ResourceDefinition, all: readonly ResourceDefinition[]): AdmissionView[] {
  const key = storageKey(def);
  const isScale = view.kind.kind === 'Scale' && view.subResource === 'scale';
  return all
    .filter((other) => other !== def && storageKey(other) === key && !(other.group === def.group && other.version === def.version && other.plural === def.plural))
    .filter((other) => !view.subResource || isScale || other.subresources.includes(view.subResource as never))
    .map((other) => {
      const to = (obj: KubeObject | undefined) => (obj && !isScale ? convert(obj, def, other) : obj);
      return {
        ...view,
        resource: { group: other.group, version: other.version, resource: other.plural },
        kind: isScale ? view.kind : { group: other.group, version: other.version, kind: other.kind },
        object: to(view.object),
        oldObject: to(view.oldObject),
        writeBack: (mutated: KubeObject) => view.writeBack(isScale ? mutated : convert(mutated, other, def)),
      };
    });
}
