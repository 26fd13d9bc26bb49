// PersistentVolumeClaims (core/v1): SetDefaults_PersistentVolumeClaim,
// ValidatePersistentVolumeClaim(Update) — the spec is immutable but for a
// bound claim's storage request and a volumeName set once — and the
// `kubectl get pvc` columns (printPersistentVolumeClaim).

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { canonicalQuantity, compareQuantities } from '../../kube/quantity.ts';
import { accessModesAsString, annBetaStorageClass, storageClassOf, storageQuantity } from '../../kube/storage/volumeHelpers.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { forbidden, required, semanticEqual } from '../validation/fieldErrors.ts';
import { validateLabelSelectorObject, type LabelSelectorObject } from '../validation/labelSelectorObject.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { arrayAt, ensureObject, isObject, objectAt, setDefault, stringAt, type JsonObject } from './shared/json.ts';
import { validateAccessModes, validatePositiveQuantity, validateStorageClassName, validateVolumeMode } from './shared/storageValidation.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

function spec(pvc: KubeObject): JsonObject {
  return isObject(pvc.spec) ? pvc.spec : {};
}

function applyDefaults(pvc: KubeObject): void {
  setDefault(ensureObject(pvc, 'spec'), 'volumeMode', 'Filesystem');
}

/** ValidatePersistentVolumeClaimSpec, at `path` (spec, or a StatefulSet's volumeClaimTemplates[i].spec). */
export function validateClaimSpec(s: JsonObject, path: string): FieldError[] {
  const errs = validateAccessModes(arrayAt(s, 'accessModes'), `${path}.accessModes`, 'at least 1 access mode is required');
  errs.push(...validateLabelSelectorObject(objectAt(s, 'selector') as LabelSelectorObject | undefined, `${path}.selector`));
  const requests = objectAt(objectAt(s, 'resources'), 'requests') ?? {};
  if (requests.storage === undefined) errs.push(required(`${path}.resources[storage]`));
  else errs.push(...validatePositiveQuantity(requests.storage, `${path}.resources[storage]`));
  errs.push(...validateStorageClassName(s.storageClassName, `${path}.storageClassName`));
  errs.push(...validateVolumeMode(s.volumeMode, `${path}.volumeMode`));
  return errs;
}

function validate(pvc: KubeObject): FieldError[] {
  return validateClaimSpec(spec(pvc), 'spec');
}

function validateUpdate(pvc: KubeObject, old: KubeObject): FieldError[] {
  const errs = validate(pvc);
  const newSpec = deepCopy(spec(pvc));
  const oldSpec = deepCopy(spec(old));
  // The PV controller sets volumeName once.
  if (!stringAt(oldSpec, 'volumeName')) oldSpec.volumeName = newSpec.volumeName;
  // A class given first by the beta annotation may move into the field (validateStorageClassUpgradeFromAnnotation).
  const oldAnnotationClass = old.metadata.annotations?.[annBetaStorageClass];
  if (oldAnnotationClass !== undefined && oldSpec.storageClassName === undefined && newSpec.storageClassName === oldAnnotationClass) oldSpec.storageClassName = newSpec.storageClassName;
  // The default class may be filled in later for a claim created without one (validateStorageClassUpgradeFromNil).
  if (oldSpec.storageClassName === undefined && oldAnnotationClass === undefined && newSpec.storageClassName) oldSpec.storageClassName = newSpec.storageClassName;
  // A bound claim may change its storage request (expansion; the resize admission plugin decides whether it may grow).
  const bound = stringAt(objectAt(old, 'status'), 'phase') === 'Bound';
  if (bound) {
    const newResources = ensureObject(newSpec, 'resources');
    const newRequests = ensureObject(newResources, 'requests');
    newRequests.storage = objectAt(objectAt(oldSpec, 'resources'), 'requests')?.storage;
  }
  if (!semanticEqual(newSpec, oldSpec)) {
    errs.push(forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
  }
  const newSize = storageQuantity(objectAt(objectAt(spec(pvc), 'resources'), 'requests'));
  const oldSize = storageQuantity(objectAt(objectAt(spec(old), 'resources'), 'requests'));
  if (newSize && oldSize && compareQuantities(newSize, oldSize) < 0) errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
  return errs;
}

function printStatus(pvc: KubeObject): string {
  return pvc.metadata.deletionTimestamp ? 'Terminating' : stringAt(objectAt(pvc, 'status'), 'phase');
}

export const persistentvolumeclaims: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  plural: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  shortNames: ['pvc'],
  namespaced: true,
  subresources: ['status'],
  strategy: {
    applyDefaults,
    prepareForCreate: (pvc) => {
      pvc.status = { phase: 'Pending' };
    },
    validate,
    validateUpdate,
    selectableFields: {
      name: (pvc) => pvc.metadata.name,
    },
    table: {
      columns: [
        nameColumn(),
        column('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
        column('Volume', 'string', 'volumeName is the binding reference to the PersistentVolume backing this claim.'),
        column('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
        column('Access Modes', 'string', 'accessModes contains the desired access modes the volume should have. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1'),
        column('StorageClass', 'string', 'storageClassName is the name of the StorageClass required by the claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#class-1'),
        column('VolumeAttributesClass', 'string', 'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim. If specified, the CSI driver will create or update the volume with the attributes defined in the corresponding VolumeAttributesClass. This has a different purpose than storageClassName, it can be changed after the claim is created. An empty string value means that no VolumeAttributesClass will be applied to the claim but it\'s not allowed to reset this field to empty string once it is set. If unspecified and the PersistentVolumeClaim is unbound, the default VolumeAttributesClass will be set by the persistentvolume controller if it exists. If the resource referred to by volumeAttributesClass does not exist, this PersistentVolumeClaim will be set to a Pending state, as reflected by the modifyVolumeStatus field, until such as a resource exists. More info: https://kubernetes.io/docs/concepts/storage/volume-attributes-classes/ (Beta) Using this field requires the VolumeAttributesClass feature gate to be enabled (off by default).'),
        ageColumn(),
        column('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.', 1),
      ],
      row(pvc, now) {
        const s = spec(pvc);
        const status = objectAt(pvc, 'status');
        const volumeName = stringAt(s, 'volumeName');
        // Capacity and access modes are the bound volume's: empty until the claim has one.
        const storage = objectAt(status, 'capacity')?.storage;
        return [
          pvc.metadata.name,
          printStatus(pvc),
          volumeName,
          volumeName ? canonicalQuantity(String(storage ?? '0')) : '',
          volumeName ? accessModesAsString(arrayAt(status, 'accessModes').map(String)) : '',
          storageClassOf(pvc as never),
          stringAt(s, 'volumeAttributesClassName') || '<unset>',
          ageSince(pvc.metadata.creationTimestamp, now),
          stringAt(s, 'volumeMode') || '<unset>',
        ];
      },
    },
  },
};
