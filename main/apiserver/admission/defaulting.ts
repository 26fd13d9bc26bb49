// Mutating admission, first plugin: Kubernetes' defaulters for the kind
// (restartPolicy, imagePullPolicy, service type, deployment strategy...).

import type { AdmissionAttributes, AdmissionPlugin } from './admission.ts';

export class DefaultingPlugin implements AdmissionPlugin {
  readonly name = 'Defaulting';

  mutate(attrs: AdmissionAttributes): void {
    if (!attrs.object || attrs.subresource === 'status') return;
    attrs.resource.strategy.applyDefaults?.(attrs.object);
  }
}
