// The RuntimeClass admission plugin (plugin/pkg/admission/runtimeclass), on by
// default: a new pod that names a RuntimeClass must name one that exists; it
// gets the class's overhead (one it set itself must match) and the class's
// scheduling (its nodeSelector merged in, a conflicting value refused, its
// tolerations added). A pod with an overhead but no class carrying one is
// refused too, so the overhead always comes from a class.

import type { KubeObject } from '../../kube/meta.ts';
import { deepEqual } from '../../kube/deepEqual.ts';
import { errors } from '../errors.ts';
import type { RuntimeClass } from '../resources/runtimeclasses.ts';
import { semanticEqual } from '../validation/fieldErrors.ts';
import { UNTOUCHED, type AdmissionAttributes, type AdmissionPlugin, type MutationOutcome } from './admission.ts';

interface PodSpecPart {
  runtimeClassName?: string;
  overhead?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
}

const podsResource = { group: '', resource: 'pods' };

function podCreate(attrs: AdmissionAttributes): PodSpecPart | undefined {
  if (attrs.operation !== 'CREATE' || attrs.subresource !== '' || attrs.resource.group !== '' || attrs.resource.plural !== 'pods' || !attrs.object) return undefined;
  return ((attrs.object as KubeObject & { spec?: PodSpecPart }).spec ??= {});
}

export class RuntimeClassPlugin implements AdmissionPlugin {
  readonly name = 'RuntimeClass';

  constructor(private readonly getRuntimeClass: (name: string) => Promise<KubeObject | undefined>) {}

  private async runtimeClassOf(attrs: AdmissionAttributes, spec: PodSpecPart): Promise<RuntimeClass | undefined> {
    if (!spec.runtimeClassName) return undefined;
    const found = await this.getRuntimeClass(spec.runtimeClassName);
    if (!found) throw errors.forbidden(podsResource, attrs.name, `pod rejected: RuntimeClass ${JSON.stringify(spec.runtimeClassName)} not found`);
    return found as RuntimeClass;
  }

  // Only pod creates are its business: anything else is answered at once, without a promise.
  mutate(attrs: AdmissionAttributes): MutationOutcome | Promise<MutationOutcome> {
    const spec = podCreate(attrs);
    return spec ? this.mutatePod(attrs, spec) : UNTOUCHED;
  }

  private async mutatePod(attrs: AdmissionAttributes, spec: NonNullable<ReturnType<typeof podCreate>>): Promise<MutationOutcome> {
    const runtimeClass = await this.runtimeClassOf(attrs, spec);
    if (!runtimeClass) return UNTOUCHED;
    const podFixed = runtimeClass.overhead?.podFixed;
    if (podFixed) {
      if (spec.overhead && Object.keys(spec.overhead).length > 0 && !semanticEqual(spec.overhead, podFixed)) {
        throw errors.forbidden(podsResource, attrs.name, "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
      }
      spec.overhead = { ...podFixed };
    }
    const scheduling = runtimeClass.scheduling;
    if (scheduling) {
      const selector = { ...(spec.nodeSelector ?? {}) };
      for (const [key, value] of Object.entries(scheduling.nodeSelector ?? {})) {
        if (Object.hasOwn(selector, key) && selector[key] !== value) {
          throw errors.forbidden(podsResource, attrs.name, `conflict: runtimeClass.scheduling.nodeSelector[${key}] = ${value}; pod.spec.nodeSelector[${key}] = ${selector[key]}`);
        }
        selector[key] = value;
      }
      if (Object.keys(selector).length > 0) spec.nodeSelector = selector;
      // MergeTolerations: the class's that the pod does not already have.
      const tolerations = [...(spec.tolerations ?? [])];
      for (const toleration of scheduling.tolerations ?? []) if (!tolerations.some((t) => deepEqual(t, toleration))) tolerations.push(toleration);
      if (tolerations.length > 0) spec.tolerations = tolerations;
    }
  }

  validate(attrs: AdmissionAttributes): void | Promise<void> {
    const spec = podCreate(attrs);
    if (spec) return this.validatePod(attrs, spec);
  }

  private async validatePod(attrs: AdmissionAttributes, spec: NonNullable<ReturnType<typeof podCreate>>): Promise<void> {
    const runtimeClass = await this.runtimeClassOf(attrs, spec);
    const podFixed = runtimeClass?.overhead?.podFixed;
    if (podFixed) {
      if (!semanticEqual(spec.overhead ?? {}, podFixed)) throw errors.forbidden(podsResource, attrs.name, "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
    } else if (spec.overhead && Object.keys(spec.overhead).length > 0) {
      throw errors.forbidden(podsResource, attrs.name, 'pod rejected: RuntimeClass has no Overhead defined, but Pod has Overhead set');
    }
  }
}
