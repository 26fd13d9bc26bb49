// A pod's persistentVolumeClaim volumes, as the kubelet's volume manager
// resolves them: the claim must exist and be Bound, its PersistentVolume must
// exist; the volume's own source says what is mounted. A local-path volume's
// data is the runtime volume its provisioner made (see
// controllers/volume/localPath.ts); hostPath and local volumes are host
// directories.

import type { KubeObject } from '../kube/meta.ts';
import type { MountSource, Runtime } from '../runtime/runtime.ts';
import { isLocalPathVolume, localPathVolumeName } from '../controllers/volume/localPath.ts';
import type { PersistentVolume } from '../controllers/volume/volumeTypes.ts';
import { checkHostPathType } from './hostPathCheck.ts';
import type { PodObjects } from './podObjects.ts';

/** The volume cannot be used (yet): the message is the kubelet's, for the FailedMount event. */
export class ClaimNotReadyError extends Error {}

export async function claimMountSource(runtime: Runtime, objects: Pick<PodObjects, 'claimedVolume'>, namespace: string, claimName: string): Promise<MountSource> {
  const found = await objects.claimedVolume?.(namespace, claimName);
  if (!found) throw new ClaimNotReadyError(`persistentvolumeclaim "${claimName}" not found`);
  const phase = (found.claim.status as { phase?: string } | undefined)?.phase;
  if (phase !== 'Bound') throw new ClaimNotReadyError(`error processing PVC ${namespace}/${claimName}: PVC is not bound`);
  const pv = found.volume as PersistentVolume | undefined;
  const volumeName = (found.claim.spec as { volumeName?: string } | undefined)?.volumeName ?? '';
  if (!pv) throw new ClaimNotReadyError(`error processing PVC ${namespace}/${claimName}: failed to fetch PV ${volumeName} from API server: persistentvolumes "${volumeName}" not found`);
  if (isLocalPathVolume(pv)) {
    const name = localPathVolumeName(pv.metadata.name ?? '');
    // The provisioner made it; creating it again is a no-op, and brings it back on an engine that lost it.
    await runtime.createVolume({ name, labels: { 'io.podlab.persistentvolume': pv.metadata.name ?? '' } });
    return { type: 'volume', name };
  }
  const path = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
  if (!path) {
    const kind = Object.keys(pv.spec ?? {}).find((key) => !['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'volumeMode', 'nodeAffinity', 'mountOptions'].includes(key));
    throw new Error(`volume type ${kind ?? 'unknown'} is not supported by PodLab`);
  }
  const problem = checkHostPathType(path, pv.spec?.hostPath?.type);
  if (problem) throw new Error(problem);
  return { type: 'hostPath', path };
}

export function isClaimVolume(volume: KubeObject | { persistentVolumeClaim?: unknown }): boolean {
  return (volume as { persistentVolumeClaim?: unknown }).persistentVolumeClaim !== undefined;
}
