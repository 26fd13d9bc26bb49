// The PersistentVolumeClaimResize admission plugin
// (plugin/pkg/admission/storage/persistentvolume/resize): a claim may grow
// only once bound, and only when its StorageClass allows volume expansion.

import { errors } from '../errors.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { storageClassOf, storageQuantity } from '../../kube/storage/volumeHelpers.ts';
import { compareQuantities } from '../../kube/quantity.ts';
import type { AdmissionAttributes, AdmissionPlugin } from './admission.ts';

function requestedStorage(pvc: KubeObject) {
  return storageQuantity((pvc.spec as { resources?: { requests?: Record<string, unknown> } } | undefined)?.resources?.requests);
}

export class PersistentVolumeClaimResizePlugin implements AdmissionPlugin {
  readonly name = 'PersistentVolumeClaimResize';

  constructor(private readonly getStorageClass: (name: string) => Promise<KubeObject | undefined>) {}

  // Answers at once for what it does not look at: the chain awaits only a promise.
  validate(attrs: AdmissionAttributes): Promise<void> | void {
    if (attrs.operation !== 'UPDATE' || attrs.subresource !== '' || attrs.resource.group !== '' || attrs.resource.plural !== 'persistentvolumeclaims') return;
    return this.validateResize(attrs);
  }

  private async validateResize(attrs: AdmissionAttributes): Promise<void> {
    const pvc = attrs.object;
    const old = attrs.oldObject;
    if (!pvc || !old) return;
    const newSize = requestedStorage(pvc);
    const oldSize = requestedStorage(old);
    if (!newSize || !oldSize || compareQuantities(newSize, oldSize) <= 0) return;
    const gr = { group: '', resource: 'persistentvolumeclaims' };
    if ((old.status as { phase?: string } | undefined)?.phase !== 'Bound') throw errors.forbidden(gr, attrs.name, 'Only bound persistent volume claims can be expanded');
    const className = storageClassOf(pvc as never);
    const sc = className ? await this.getStorageClass(className) : undefined;
    if (sc?.allowVolumeExpansion !== true) {
      throw errors.forbidden(gr, attrs.name, 'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize');
    }
  }
}
