// PersistentVolumes (core/v1, cluster-scoped): SetDefaults_PersistentVolume,
// ValidatePersistentVolume(Update), the Pending phase given on create and the
// `kubectl get pv` columns (printPersistentVolume).

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { canonicalQuantity } from '../../kube/quantity.ts';
import { accessModesAsString, storageClassOf } from '../../kube/storage/volumeHelpers.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { forbidden, invalid, notSupported, required, semanticEqual, validateImmutableField } from '../validation/fieldErrors.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { arrayAt, ensureObject, isObject, objectAt, setDefault, stringAt, type JsonObject } from './shared/json.ts';
import { validateAccessModes, validatePositiveQuantity, validateStorageClassName, validateVolumeMode } from './shared/storageValidation.ts';

/** The persistent volume sources (PersistentVolumeSource's fields). */
const persistentVolumeSources = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs', 'fc',
  'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume',
  'scaleIO', 'local', 'storageos', 'csi',
];

function spec(pv: KubeObject): JsonObject {
  return isObject(pv.spec) ? pv.spec : {};
}

function applyDefaults(pv: KubeObject): void {
  const s = ensureObject(pv, 'spec');
  setDefault(s, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(s, 'volumeMode', 'Filesystem');
  const status = ensureObject(pv, 'status');
  setDefault(status, 'phase', 'Pending');
}

function validateSource(s: JsonObject, sources: string[], reclaimPolicy: string): FieldError[] {
  if (sources.length === 0) return [required('spec', 'must specify a volume type')];
  const errs = sources.slice(1).map((extra) => forbidden(`spec.${extra}`, 'may not specify more than 1 volume type'));
  const source = sources[0]!;
  const body = objectAt(s, source);
  if (source === 'hostPath') {
    const path = stringAt(body, 'path');
    if (!path) errs.push(required('spec.hostPath.path'));
    else if (path.split('/').includes('..')) errs.push(invalid('spec.hostPath.path', path, "must not contain '..'"));
    if (reclaimPolicy === 'Recycle' && path === '/') errs.push(forbidden('spec.persistentVolumeReclaimPolicy', 'may not be \'recycle\' for a hostPath mount of \'/\''));
    const type = stringAt(body, 'type');
    const types = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
    if (!types.includes(type)) errs.push(notSupported('spec.hostPath.type', type, types));
  } else if (source === 'local') {
    if (!stringAt(body, 'path')) errs.push(required('spec.local.path'));
    if (!objectAt(s, 'nodeAffinity')) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  } else if (source === 'nfs') {
    if (!stringAt(body, 'server')) errs.push(required('spec.nfs.server'));
    if (!stringAt(body, 'path')) errs.push(required('spec.nfs.path'));
  } else if (source === 'csi') {
    if (!stringAt(body, 'driver')) errs.push(required('spec.csi.driver'));
    if (!stringAt(body, 'volumeHandle')) errs.push(required('spec.csi.volumeHandle'));
  }
  return errs;
}

function validate(pv: KubeObject): FieldError[] {
  const s = spec(pv);
  const errs = validateAccessModes(arrayAt(s, 'accessModes'), 'spec.accessModes', '');
  const capacity = objectAt(s, 'capacity') ?? {};
  const keys = Object.keys(capacity);
  if (keys.length === 0) errs.push(required('spec.capacity'));
  if (!('storage' in capacity) || keys.length > 1) errs.push(notSupported('spec.capacity', capacity, ['storage']));
  for (const key of keys) errs.push(...validatePositiveQuantity(capacity[key], `spec.capacity[${key}]`));
  const reclaimPolicy = stringAt(s, 'persistentVolumeReclaimPolicy');
  if (reclaimPolicy && !['Delete', 'Recycle', 'Retain'].includes(reclaimPolicy)) {
    errs.push(notSupported('spec.persistentVolumeReclaimPolicy', reclaimPolicy, ['Delete', 'Recycle', 'Retain']));
  }
  errs.push(...validateStorageClassName(s.storageClassName, 'spec.storageClassName'));
  errs.push(...validateVolumeMode(s.volumeMode, 'spec.volumeMode'));
  const nodeAffinity = objectAt(s, 'nodeAffinity');
  if (nodeAffinity && !objectAt(nodeAffinity, 'required')) errs.push(required('spec.nodeAffinity.required', 'must specify required node constraints'));
  errs.push(...validateSource(s, persistentVolumeSources.filter((k) => s[k] !== undefined && s[k] !== null), reclaimPolicy));
  return errs;
}

function sourceOf(pv: KubeObject): JsonObject {
  const out: JsonObject = {};
  for (const key of persistentVolumeSources) if (spec(pv)[key] !== undefined) out[key] = spec(pv)[key];
  return out;
}

function validateUpdate(pv: KubeObject, old: KubeObject): FieldError[] {
  const errs = validate(pv);
  if (!semanticEqual(sourceOf(pv), sourceOf(old))) errs.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  errs.push(...validateImmutableField(spec(pv).volumeMode, spec(old).volumeMode, 'volumeMode'));
  // Node affinity may be set once, never changed.
  if (objectAt(spec(old), 'nodeAffinity')) errs.push(...validateImmutableField(spec(pv).nodeAffinity, spec(old).nodeAffinity, 'nodeAffinity'));
  return errs;
}

function printStatus(pv: KubeObject): string {
  return pv.metadata.deletionTimestamp ? 'Terminating' : stringAt(objectAt(pv, 'status'), 'phase');
}

function claimCell(pv: KubeObject): string {
  const ref = objectAt(spec(pv), 'claimRef');
  return ref ? `${stringAt(ref, 'namespace')}/${stringAt(ref, 'name')}` : '';
}

export const persistentvolumes: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  plural: 'persistentvolumes',
  singular: 'persistentvolume',
  shortNames: ['pv'],
  namespaced: false,
  subresources: ['status'],
  strategy: {
    applyDefaults,
    prepareForCreate: (pv) => {
      // The controller owns the phase: a new volume starts Pending (PersistentVolumeStrategy.PrepareForCreate).
      pv.status = { phase: 'Pending' };
    },
    validate,
    validateUpdate,
    selectableFields: {
      name: (pv) => pv.metadata.name,
    },
    table: {
      columns: [
        nameColumn(),
        column('Capacity', 'string', 'capacity is the description of the persistent volume\'s resources and capacity. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#capacity'),
        column('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes'),
        column('Reclaim Policy', 'string', 'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Valid options are Retain (default for manually created PersistentVolumes), Delete (default for dynamically provisioned PersistentVolumes), and Recycle (deprecated). Recycle must be supported by the volume plugin underlying this PersistentVolume. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#reclaiming'),
        column('Status', 'string', 'phase indicates if a volume is available, bound to a claim, or released by a claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#phase'),
        column('Claim', 'string', 'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim. Expected to be non-nil when bound. claim.VolumeName is the authoritative bind between PV and PVC. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#binding'),
        column('StorageClass', 'string', 'storageClassName is the name of StorageClass to which this persistent volume belongs. Empty value means that this volume does not belong to any StorageClass.'),
        column('VolumeAttributesClass', 'string', 'Name of VolumeAttributesClass to which this persistent volume belongs. Empty value is not allowed. When this field is not set, it indicates that this volume does not belong to any VolumeAttributesClass. This field is mutable and can be changed by the CSI driver after a volume has been updated successfully to a new class. For an unbound PersistentVolume, the volumeAttributesClassName will be matched with unbound PersistentVolumeClaims during the binding process. This is a beta field and requires enabling VolumeAttributesClass feature (off by default).'),
        column('Reason', 'string', 'reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI.'),
        ageColumn(),
        column('VolumeMode', 'string', 'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state. Value of Filesystem is implied when not included in spec.', 1),
      ],
      row(pv, now) {
        const s = spec(pv);
        const storage = objectAt(s, 'capacity')?.storage;
        const attributesClass = stringAt(s, 'volumeAttributesClassName');
        return [
          pv.metadata.name,
          storage === undefined ? '0' : canonicalQuantity(String(storage)),
          accessModesAsString(arrayAt(s, 'accessModes').map(String)),
          stringAt(s, 'persistentVolumeReclaimPolicy'),
          printStatus(pv),
          claimCell(pv),
          storageClassOf(pv as never),
          attributesClass || '<unset>',
          stringAt(objectAt(pv, 'status'), 'reason'),
          ageSince(pv.metadata.creationTimestamp, now),
          stringAt(s, 'volumeMode') || '<unset>',
        ];
      },
    },
  },
};
