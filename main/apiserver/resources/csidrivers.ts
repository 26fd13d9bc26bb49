// CSIDrivers (storage.k8s.io/v1, cluster-scoped): SetDefaults_CSIDriver, the
// immutable attach and lifecycle settings, and printCSIDriver's columns.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { notSupported, validateImmutableField } from '../validation/fieldErrors.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { arrayAt, ensureObject, objectAt, stringAt } from './shared/json.ts';

function applyDefaults(driver: KubeObject): void {
  const spec = ensureObject(driver, 'spec');
  spec.attachRequired ??= true;
  spec.podInfoOnMount ??= false;
  spec.storageCapacity ??= false;
  spec.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
  spec.requiresRepublish ??= false;
  spec.seLinuxMount ??= false;
  if (arrayAt(spec, 'volumeLifecycleModes').length === 0) spec.volumeLifecycleModes = ['Persistent'];
}

function validate(driver: KubeObject): FieldError[] {
  const spec = objectAt(driver, 'spec');
  const errs: FieldError[] = [];
  arrayAt(spec, 'volumeLifecycleModes').forEach((mode, i) => {
    if (mode !== 'Persistent' && mode !== 'Ephemeral') errs.push(notSupported(`spec.volumeLifecycleModes[${i}]`, mode, ['Ephemeral', 'Persistent']));
  });
  const policy = stringAt(spec, 'fsGroupPolicy');
  if (policy && !['File', 'None', 'ReadWriteOnceWithFSType'].includes(policy)) errs.push(notSupported('spec.fsGroupPolicy', policy, ['File', 'None', 'ReadWriteOnceWithFSType']));
  return errs;
}

function validateUpdate(driver: KubeObject, old: KubeObject): FieldError[] {
  const spec = objectAt(driver, 'spec');
  const oldSpec = objectAt(old, 'spec');
  return [
    ...validate(driver),
    ...validateImmutableField(spec?.attachRequired, oldSpec?.attachRequired, 'spec.attachRequired'),
    ...validateImmutableField(spec?.volumeLifecycleModes, oldSpec?.volumeLifecycleModes, 'spec.volumeLifecycleModes'),
  ];
}

const flag = (spec: Record<string, unknown> | undefined, key: string) => spec?.[key] === true;

export const csidrivers: ResourceDefinition = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'CSIDriver',
  plural: 'csidrivers',
  singular: 'csidriver',
  namespaced: false,
  subresources: [],
  strategy: {
    applyDefaults,
    validate,
    validateUpdate,
    table: {
      columns: [
        nameColumn(),
        column('AttachRequired', 'boolean', 'attachRequired indicates this CSI volume driver requires an attach operation.'),
        column('PodInfoOnMount', 'boolean', 'podInfoOnMount indicates this CSI volume driver requires additional pod information during mount operations.'),
        column('StorageCapacity', 'boolean', 'storageCapacity indicates that the CSI volume driver wants pod scheduling to consider the storage capacity.'),
        column('TokenRequests', 'string', 'tokenRequests indicates the CSI driver needs pods\' service account tokens it is mounting volume for to do necessary authentication.'),
        column('RequiresRepublish', 'boolean', 'requiresRepublish indicates the CSI driver wants `NodePublishVolume` being periodically called to reflect any possible change in the mounted volume.'),
        column('Modes', 'string', 'volumeLifecycleModes defines what kind of volumes this CSI volume driver supports.'),
        ageColumn(),
      ],
      row(driver, now) {
        const spec = objectAt(driver, 'spec');
        const audiences = arrayAt(spec, 'tokenRequests').map((t) => stringAt(t, 'audience') || '<unset>');
        const modes = arrayAt(spec, 'volumeLifecycleModes').map(String);
        return [
          driver.metadata.name,
          flag(spec, 'attachRequired'),
          flag(spec, 'podInfoOnMount'),
          flag(spec, 'storageCapacity'),
          audiences.length > 0 ? audiences.join(',') : '<unset>',
          flag(spec, 'requiresRepublish'),
          modes.length > 0 ? modes.join(',') : '<none>',
          ageSince(driver.metadata.creationTimestamp, now),
        ];
      },
    },
  },
};
