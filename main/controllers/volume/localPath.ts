// kind's local-path storage as PodLab provides it: the `standard` class,
// provisioner rancher.io/local-path, whose volumes live on one node. Their
// data is a runtime volume per PersistentVolume (on Docker a named volume
// labelled with the cluster), made by the provisioner and mounted into pods
// by the kubelet, so the provisioner and the kubelets agree on its name.

import type { PersistentVolume } from './volumeTypes.ts';
import { annDynamicallyProvisioned } from '../../kube/storage/volumeHelpers.ts';

export const localPathProvisionerName = 'rancher.io/local-path';
export const standardStorageClassName = 'standard';
/** The node directory kind's provisioner uses; PodLab keeps it as the PV's path, the data being in the runtime volume. */
export const localPathRoot = '/var/local-path-provisioner';

/** Where a local-path volume's data lives: its runtime volume per node. */
export interface LocalPathStorage {
  create(volumeName: string, node: string): Promise<void>;
  remove(volumeName: string, node: string): Promise<void>;
}

export function isLocalPathVolume(pv: PersistentVolume): boolean {
  return pv.metadata.annotations?.[annDynamicallyProvisioned] === localPathProvisionerName;
}

/** The runtime volume holding a local-path PV's data (PV names are pvc-<claim uid>, unique across clusters). */
export function localPathVolumeName(pvName: string): string {
  return `podlab-${pvName}`;
}

/** kind's StorageClass `standard`, marked default, as a cluster gets it at start. */
export function standardStorageClass() {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: standardStorageClassName, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: localPathProvisionerName,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
  };
}
