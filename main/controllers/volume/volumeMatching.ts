// Which PersistentVolume a claim may bind to (pkg/controller/volume/persistentvolume/util
// FindMatchingVolume): a volume pre-bound to the claim wins; otherwise the
// smallest available volume of the claim's class, volume mode and access
// modes that is big enough and matches the claim's selector (and, for a claim
// assumed on a node, the node). Volumes of a class that waits for the first
// consumer are left to the scheduler until it has picked a node.

import { compareQuantities } from '../../kube/quantity.ts';
import { storageClassOf, storageQuantity } from '../../kube/storage/volumeHelpers.ts';
import { validWorkloadSelector } from '../shared/selectors.ts';
import type { LabelSelectorObject } from '../../apiserver/validation/labelSelectorObject.ts';
import type { PersistentVolume, PersistentVolumeClaim } from './volumeTypes.ts';
import { volumeFitsNode } from './volumeNodeAffinity.ts';

/** IsVolumeBoundToClaim: the volume's claimRef names this claim (and its uid, when the ref has one). */
export function isVolumeBoundToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = volume.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata.name || ref.namespace !== claim.metadata.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

/** CheckAccessModes: every mode the claim asks for is one the volume offers. */
export function accessModesContained(volumeModes: string[] | undefined, claimModes: string[] | undefined): boolean {
  const offered = new Set(volumeModes ?? []);
  return (claimModes ?? []).every((m) => offered.has(m));
}

export interface MatchOptions {
  /** The claim's class binds late: unclaimed volumes wait for the scheduler's node choice. */
  delayBinding: boolean;
  /** The node the claim is being bound for (scheduler), if any. */
  node?: { metadata?: { name?: string; labels?: Record<string, string> } };
}

export function findMatchingVolume(claim: PersistentVolumeClaim, volumes: PersistentVolume[], options: MatchOptions): PersistentVolume | undefined {
  const requested = storageQuantity(claim.spec?.resources?.requests);
  const claimClass = storageClassOf(claim);
  const claimMode = claim.spec?.volumeMode ?? 'Filesystem';
  const selector = claim.spec?.selector ? validWorkloadSelector(claim.spec.selector as LabelSelectorObject) : undefined;
  let best: PersistentVolume | undefined;
  for (const volume of volumes) {
    if (volume.metadata.deletionTimestamp) continue;
    const capacity = storageQuantity(volume.spec?.capacity);
    if (!capacity || !requested) continue;
    if ((volume.spec?.volumeMode ?? 'Filesystem') !== claimMode) continue;
    if (options.node && !volumeFitsNode(volume, options.node)) continue;
    const preBound = isVolumeBoundToClaim(volume, claim);
    if (preBound) {
      // A volume made for this claim (or named by it) is the answer, if it can serve it at all.
      if (compareQuantities(capacity, requested) >= 0 && accessModesContained(volume.spec?.accessModes, claim.spec?.accessModes)) return volume;
      continue;
    }
    if (volume.spec?.claimRef) continue;
    if (volume.status?.phase !== 'Available' && volume.status?.phase !== 'Pending') continue;
    if (options.delayBinding && !options.node) continue;
    if (storageClassOf(volume) !== claimClass) continue;
    if (selector && !selector.matches(volume.metadata.labels)) continue;
    if (claim.spec?.selector && !selector) continue;
    if (!accessModesContained(volume.spec?.accessModes, claim.spec?.accessModes)) continue;
    if (compareQuantities(capacity, requested) < 0) continue;
    if (!best || compareQuantities(capacity, storageQuantity(best.spec?.capacity)!) < 0) best = volume;
  }
  return best;
}
