// The DefaultIngressClass admission plugin: an Ingress created without a
// class (no spec.ingressClassName and no kubernetes.io/ingress.class
// annotation) gets the IngressClass annotated as the default; with several
// defaults, the newest one, as Kubernetes 1.32 chooses.

import type { KubeObject } from '../../kube/meta.ts';
import { defaultIngressClassAnnotation } from '../resources/ingressclasses.ts';
import { ingressClassAnnotation } from '../resources/ingresses.ts';
import { UNTOUCHED, type AdmissionAttributes, type AdmissionPlugin, type MutationOutcome } from './admission.ts';

export class DefaultIngressClassPlugin implements AdmissionPlugin {
  readonly name = 'DefaultIngressClass';

  constructor(private readonly listIngressClasses: () => Promise<readonly KubeObject[]>) {}

  // Answers at once for what it does not look at: the chain awaits only a promise.
  mutate(attrs: AdmissionAttributes): Promise<MutationOutcome> | MutationOutcome {
    const { resource, operation, object } = attrs;
    if (operation !== 'CREATE' || attrs.subresource || resource.group !== 'networking.k8s.io' || resource.plural !== 'ingresses' || !object) return UNTOUCHED;
    return this.defaultIngress(attrs);
  }

  private async defaultIngress(attrs: AdmissionAttributes): Promise<MutationOutcome> {
    const object = attrs.object!;
    const spec = ((object as { spec?: Record<string, unknown> }).spec ??= {});
    if (spec.ingressClassName !== undefined && spec.ingressClassName !== null) return;
    if (object.metadata.annotations?.[ingressClassAnnotation] !== undefined) return;
    const defaults = (await this.listIngressClasses()).filter((c) => c.metadata.annotations?.[defaultIngressClassAnnotation] === 'true');
    if (defaults.length === 0) return;
    const newest = defaults.reduce((a, b) => ((b.metadata.creationTimestamp ?? '') > (a.metadata.creationTimestamp ?? '') ? b : a));
    spec.ingressClassName = newest.metadata.name;
  }
}
