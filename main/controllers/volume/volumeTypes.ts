// The storage objects as the volume controllers, the scheduler and the kubelet read them.

import type { KubeObject } from '../../kube/meta.ts';
import type { PersistentVolumeClaimSpec, PersistentVolumeClaimStatus, PersistentVolumeSpec, PersistentVolumeStatus } from '../../kube/types/core-v1.ts';
import type { ResourceRef } from '../../kube/client/types.ts';

export type PersistentVolume = KubeObject & { spec?: PersistentVolumeSpec; status?: PersistentVolumeStatus };
export type PersistentVolumeClaim = KubeObject & { spec?: PersistentVolumeClaimSpec; status?: PersistentVolumeClaimStatus };
export type StorageClass = KubeObject & { provisioner?: string; reclaimPolicy?: string; volumeBindingMode?: string; allowVolumeExpansion?: boolean; parameters?: Record<string, string> };

export const persistentVolumesResource: ResourceRef = { group: '', version: 'v1', plural: 'persistentvolumes' };
export const persistentVolumeClaimsResource: ResourceRef = { group: '', version: 'v1', plural: 'persistentvolumeclaims' };
export const storageClassesResource: ResourceRef = { group: 'storage.k8s.io', version: 'v1', plural: 'storageclasses' };
