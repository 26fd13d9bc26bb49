// Storage facts shared by the API server, the PV controller, the scheduler
// and the kubelet: the well-known annotations and finalizers, access-mode
// abbreviations (helper.GetAccessModesAsString) and the storage class of a
// claim or volume (spec.storageClassName, else the beta annotation).

import { parseQuantity, type Quantity } from '../quantity.ts';

export const annBindCompleted = 'pv.kubernetes.io/bind-completed';
export const annBoundByController = 'pv.kubernetes.io/bound-by-controller';
export const annDynamicallyProvisioned = 'pv.kubernetes.io/provisioned-by';
export const annStorageProvisioner = 'volume.kubernetes.io/storage-provisioner';
export const annBetaStorageProvisioner = 'volume.beta.kubernetes.io/storage-provisioner';
export const annSelectedNode = 'volume.kubernetes.io/selected-node';
export const annBetaStorageClass = 'volume.beta.kubernetes.io/storage-class';
export const annDefaultStorageClass = 'storageclass.kubernetes.io/is-default-class';
export const pvcProtectionFinalizer = 'kubernetes.io/pvc-protection';
export const pvProtectionFinalizer = 'kubernetes.io/pv-protection';

export const accessModes = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const;
const abbreviations: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };

interface WithClass {
  metadata?: { annotations?: Record<string, string> | null };
  spec?: { storageClassName?: string | null } | unknown;
}

/** GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order, each once. */
export function accessModesAsString(modes: readonly string[] | undefined): string {
  const present = new Set(modes ?? []);
  return accessModes.filter((m) => present.has(m)).map((m) => abbreviations[m]).join(',');
}

/** GetPersistentVolume(Claim)Class: the beta annotation wins, as Kubernetes reads it. */
export function storageClassOf(obj: WithClass): string {
  const fromAnnotation = obj.metadata?.annotations?.[annBetaStorageClass];
  if (fromAnnotation !== undefined) return fromAnnotation;
  const spec = obj.spec as { storageClassName?: string | null } | undefined;
  return spec?.storageClassName ?? '';
}

/** A storage quantity, or undefined when it is absent or does not parse. */
export function storageQuantity(list: Record<string, unknown> | undefined | null): Quantity | undefined {
  const text = list?.storage;
  if (typeof text !== 'string' && typeof text !== 'number') return undefined;
  try {
    return parseQuantity(String(text));
  } catch {
    return undefined;
  }
}

/** Whether the class is marked default (IsDefaultAnnotation: the GA annotation or the beta one, "true"). */
export function isDefaultStorageClass(sc: { metadata?: { annotations?: Record<string, string> | null } }): boolean {
  const annotations = sc.metadata?.annotations ?? {};
  return annotations[annDefaultStorageClass] === 'true' || annotations['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}
