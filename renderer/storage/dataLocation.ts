// Where a PersistentVolume's data is: for a volume the local-path
// provisioner made, the runtime volume podlab-<pv> on its node (the name the
// provisioner and the kubelets agree on, localPathVolumeName); for a static
// hostPath or local volume, its path on this machine, which the kubelet
// bind-mounts.

import { isLocalPathVolume, localPathVolumeName } from '../../main/controllers/volume/localPath.ts';
import type { RuntimeKind } from '../../preload/api.ts';
import type { VolumeObject } from './storageObjects.ts';

export interface DataLocation {
  kind: 'runtime-volume' | 'host-path' | 'unsupported';
  /** The Docker volume's name, or the host path. */
  where: string;
  /** The node the volume's node affinity requires, if any. */
  node?: string;
  /** One line for the views. */
  text: string;
}

/** The node a volume is pinned to: its required node affinity on kubernetes.io/hostname, as the provisioner writes it. */
export function volumeNode(pv: VolumeObject): string | undefined {
  for (const term of pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? []) {
    for (const expr of term.matchExpressions ?? []) {
      if (expr.key === 'kubernetes.io/hostname' && expr.operator === 'In' && expr.values?.length === 1) return expr.values[0];
    }
  }
  return undefined;
}

export function dataLocation(pv: VolumeObject, runtime: RuntimeKind = 'docker'): DataLocation {
  const node = volumeNode(pv);
  const onNode = node ? ` on node ${node}` : '';
  if (isLocalPathVolume(pv)) {
    const where = localPathVolumeName(pv.metadata.name ?? '');
    // The simulated runtime records the volume but keeps no files in it.
    const text = runtime === 'simulated' ? `volume ${where}${onNode} (simulated runtime: recorded, holds no files)` : `Docker volume ${where}${onNode}`;
    return { kind: 'runtime-volume', where, node, text };
  }
  const path = pv.spec?.hostPath?.path ?? pv.spec?.local?.path;
  if (path) return { kind: 'host-path', where: path, node, text: `host path ${path} on this machine${node ? ` (pinned to node ${node})` : ''}` };
  const source = Object.keys(pv.spec ?? {}).find((key) => !['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'volumeMode', 'nodeAffinity', 'mountOptions', 'volumeAttributesClassName'].includes(key));
  return { kind: 'unsupported', where: source ?? 'unknown', node, text: `${source ?? 'an unknown'} volume, which PodLab cannot mount` };
}
