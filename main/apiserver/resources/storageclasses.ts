// StorageClasses (storage.k8s.io/v1, cluster-scoped): SetDefaults_StorageClass,
// ValidateStorageClass(Update) and printStorageClass, which marks the default
// class "(default)".

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { isDefaultStorageClass } from '../../kube/storage/volumeHelpers.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { forbidden, invalid, notSupported, required, semanticEqual, validateImmutableField } from '../validation/fieldErrors.ts';
import { isQualifiedName } from '../validation/names.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { objectAt, setDefault, stringAt } from './shared/json.ts';

/** maxProvisionerParameterSize: all parameter keys and values together. */
const maxParametersBytes = 256 * 1024;
const maxParameters = 512;

function applyDefaults(sc: KubeObject): void {
  setDefault(sc, 'reclaimPolicy', 'Delete');
  setDefault(sc, 'volumeBindingMode', 'Immediate');
}

function validate(sc: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = stringAt(sc, 'provisioner');
  if (!provisioner) errs.push(required('provisioner'));
  else errs.push(...isQualifiedName(provisioner.toLowerCase()).map((msg) => invalid('provisioner', provisioner, msg)));
  const parameters = objectAt(sc, 'parameters') ?? {};
  let size = 0;
  for (const [key, value] of Object.entries(parameters)) {
    if (key === '') errs.push(invalid('parameters', key, 'field can not be empty.'));
    size += key.length + String(value).length;
  }
  if (Object.keys(parameters).length > maxParameters) errs.push(invalid('parameters', Object.keys(parameters).length, `must have less than ${maxParameters} parameters`));
  if (size > maxParametersBytes) errs.push(invalid('parameters', '', `must be less than ${maxParametersBytes} bytes`));
  const reclaimPolicy = stringAt(sc, 'reclaimPolicy');
  if (reclaimPolicy && reclaimPolicy !== 'Delete' && reclaimPolicy !== 'Retain') errs.push(notSupported('reclaimPolicy', reclaimPolicy, ['Delete', 'Retain']));
  const mode = stringAt(sc, 'volumeBindingMode');
  if (!mode) errs.push(required('volumeBindingMode'));
  else if (mode !== 'Immediate' && mode !== 'WaitForFirstConsumer') errs.push(notSupported('volumeBindingMode', mode, ['Immediate', 'WaitForFirstConsumer']));
  return errs;
}

function validateUpdate(sc: KubeObject, old: KubeObject): FieldError[] {
  const errs = validate(sc);
  if (!semanticEqual(sc.parameters, old.parameters)) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (stringAt(sc, 'provisioner') !== stringAt(old, 'provisioner')) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (stringAt(sc, 'reclaimPolicy') !== stringAt(old, 'reclaimPolicy')) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutableField(sc.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
  return errs;
}

export const storageclasses: ResourceDefinition = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  plural: 'storageclasses',
  singular: 'storageclass',
  shortNames: ['sc'],
  namespaced: false,
  subresources: [],
  strategy: {
    applyDefaults,
    validate,
    validateUpdate,
    table: {
      columns: [
        nameColumn(),
        column('Provisioner', 'string', 'provisioner indicates the type of the provisioner.'),
        column('ReclaimPolicy', 'string', 'reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class. Defaults to Delete.'),
        column('VolumeBindingMode', 'string', 'volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.  When unset, VolumeBindingImmediate is used. This field is only honored by servers that enable the VolumeScheduling feature.'),
        column('AllowVolumeExpansion', 'string', 'allowVolumeExpansion shows whether the storage class allow volume expand.'),
        ageColumn(),
      ],
      row: (sc, now) => [
        isDefaultStorageClass(sc) ? `${sc.metadata.name} (default)` : sc.metadata.name,
        stringAt(sc, 'provisioner'),
        stringAt(sc, 'reclaimPolicy') || 'Delete',
        stringAt(sc, 'volumeBindingMode') || 'Immediate',
        sc.allowVolumeExpansion === true,
        ageSince(sc.metadata.creationTimestamp, now),
      ],
    },
  },
};
