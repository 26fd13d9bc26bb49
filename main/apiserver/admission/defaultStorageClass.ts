// The DefaultStorageClass admission plugin
// (plugin/pkg/admission/storage/storageclass/setdefault): a claim created
// without a class (storageClassName absent, not "") gets the default one;
// with several defaults the newest wins, as GetDefaultClass picks it.

import type { KubeObject } from '../../kube/meta.ts';
import { annBetaStorageClass, isDefaultStorageClass } from '../../kube/storage/volumeHelpers.ts';
import { UNTOUCHED, type AdmissionAttributes, type AdmissionPlugin, type MutationOutcome } from './admission.ts';

/** GetDefaultClass: the newest default class (by creation time, then name), if any. */
export function defaultStorageClass(classes: readonly KubeObject[]): KubeObject | undefined {
  const defaults = classes.filter(isDefaultStorageClass);
  defaults.sort((a, b) => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  return defaults[0];
}

export class DefaultStorageClassPlugin implements AdmissionPlugin {
  readonly name = 'DefaultStorageClass';

  constructor(private readonly listStorageClasses: () => Promise<readonly KubeObject[]>) {}

  // Answers at once for what it does not look at: the chain awaits only a promise.
  mutate(attrs: AdmissionAttributes): Promise<MutationOutcome> | MutationOutcome {
    if (attrs.operation !== 'CREATE' || attrs.subresource !== '' || attrs.resource.group !== '' || attrs.resource.plural !== 'persistentvolumeclaims') return UNTOUCHED;
    return this.defaultClaim(attrs);
  }

  private async defaultClaim(attrs: AdmissionAttributes): Promise<MutationOutcome> {
    const pvc = attrs.object;
    if (!pvc) return;
    const spec = (pvc.spec ??= {}) as { storageClassName?: string | null };
    if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
    if (pvc.metadata.annotations?.[annBetaStorageClass] !== undefined) return;
    const found = defaultStorageClass(await this.listStorageClasses());
    if (found?.metadata.name) spec.storageClassName = found.metadata.name;
  }
}
