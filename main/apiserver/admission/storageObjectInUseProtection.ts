// The StorageObjectInUseProtection admission plugin
// (plugin/pkg/admission/storage/storageobjectinuseprotection): every new
// claim gets the kubernetes.io/pvc-protection finalizer and every new volume
// kubernetes.io/pv-protection, so neither disappears while in use; the
// pvc-protection and pv-protection controllers remove them.

import { pvcProtectionFinalizer, pvProtectionFinalizer } from '../../kube/storage/volumeHelpers.ts';
import { UNTOUCHED, type AdmissionAttributes, type AdmissionPlugin, type MutationOutcome } from './admission.ts';

export class StorageObjectInUseProtectionPlugin implements AdmissionPlugin {
  readonly name = 'StorageObjectInUseProtection';

  mutate(attrs: AdmissionAttributes): MutationOutcome {
    if (attrs.operation !== 'CREATE' || attrs.subresource !== '' || attrs.resource.group !== '' || !attrs.object) return UNTOUCHED;
    const finalizer = attrs.resource.plural === 'persistentvolumeclaims' ? pvcProtectionFinalizer : attrs.resource.plural === 'persistentvolumes' ? pvProtectionFinalizer : undefined;
    if (!finalizer) return UNTOUCHED;
    const finalizers = attrs.object.metadata.finalizers ?? [];
    if (!finalizers.includes(finalizer)) attrs.object.metadata.finalizers = [...finalizers, finalizer];
  }
}
