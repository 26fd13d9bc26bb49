// The chain behind a pod's claim volume: claim → PersistentVolume → where
// the data is. Each link may be missing (a claim not created, a volume not
// yet provisioned or gone), and the chain says which.

import { accessModesAsString, storageClassOf } from '../../main/kube/storage/volumeHelpers.ts';
import type { EventView } from '../../main/insight/podView.ts';
import type { RuntimeKind } from '../../preload/api.ts';
import type { Tone } from '../podStatusTone.ts';
import { claimPhase, claimProblem, claimTone } from './claimStatus.ts';
import { dataLocation, type DataLocation } from './dataLocation.ts';
import type { ClaimObject, StorageClassObject, VolumeObject } from './storageObjects.ts';

export interface VolumeLink {
  name: string;
  /** The volume object exists (a claim may name one that is gone). */
  found: boolean;
  phase?: string;
  reclaimPolicy?: string;
  location?: DataLocation;
}

export interface ClaimChain {
  claimName: string;
  claim?: ClaimObject;
  /** Bound, Pending, Lost, Terminating, or Missing when the claim does not exist. */
  phase: string;
  tone: Tone;
  storageClass: string;
  /** The class is named, the classes are known, and it is not among them. */
  classMissing: boolean;
  /** What the claim asks for (spec.resources.requests.storage). */
  requested?: string;
  /** What it got (status.capacity.storage, once Bound). */
  capacity?: string;
  /** RWO, RWX...: the bound volume's modes, else those asked for. */
  accessModes: string;
  problem?: string;
  volume?: VolumeLink;
}

export interface StorageState {
  claims: ClaimObject[];
  volumes: VolumeObject[];
  /** Undefined while the classes are not known. */
  classes?: StorageClassObject[];
  /** Events of the claims (others are ignored). */
  events?: EventView[];
  runtime?: RuntimeKind;
}

export function volumeLink(volumeName: string, volumes: VolumeObject[], runtime?: RuntimeKind): VolumeLink {
  const pv = volumes.find((v) => v.metadata.name === volumeName);
  if (!pv) return { name: volumeName, found: false };
  return { name: volumeName, found: true, phase: pv.status?.phase, reclaimPolicy: pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain', location: dataLocation(pv, runtime) };
}

export function claimChain(namespace: string, claimName: string, state: StorageState): ClaimChain {
  const claim = state.claims.find((c) => c.metadata.namespace === namespace && c.metadata.name === claimName);
  if (!claim) {
    return { claimName, phase: 'Missing', tone: claimTone('Missing'), storageClass: '', classMissing: false, accessModes: '', problem: `persistentvolumeclaim "${claimName}" not found: the pod cannot start until it exists` };
  }
  const phase = claimPhase(claim);
  const storageClass = storageClassOf(claim);
  const volumeName = claim.spec?.volumeName;
  const bound = phase === 'Bound' || phase === 'Terminating';
  return {
    claimName,
    claim,
    phase,
    tone: claimTone(phase),
    storageClass,
    classMissing: !!storageClass && !!state.classes && !state.classes.some((c) => c.metadata.name === storageClass),
    requested: claim.spec?.resources?.requests?.storage as string | undefined,
    capacity: bound ? (claim.status?.capacity?.storage as string | undefined) : undefined,
    accessModes: accessModesAsString(bound && claim.status?.accessModes?.length ? claim.status.accessModes : claim.spec?.accessModes),
    problem: claimProblem(claim, state.classes, state.events),
    ...(volumeName ? { volume: volumeLink(volumeName, state.volumes, state.runtime) } : {}),
  };
}
