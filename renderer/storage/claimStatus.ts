// A claim's state as the views show it: its phase (Terminating while
// pvc-protection holds it, as kubectl prints it), a tone that makes anything
// but Bound stand out, and, when it is not Bound, why: worked out from the
// claim and its StorageClass the way the PV controller and the scheduler
// decide, with the controller's latest warning event about it quoted when
// the view has the claim's events.

import { annSelectedNode, annStorageProvisioner, storageClassOf } from '../../main/kube/storage/volumeHelpers.ts';
import { byRecency, type EventView } from '../../main/insight/podView.ts';
import type { Tone } from '../podStatusTone.ts';
import type { ClaimObject, StorageClassObject } from './storageObjects.ts';

export function claimPhase(claim: ClaimObject): string {
  return claim.metadata.deletionTimestamp ? 'Terminating' : (claim.status?.phase ?? 'Pending');
}

export function claimTone(phase: string): Tone {
  if (phase === 'Bound') return 'ok';
  if (phase === 'Lost' || phase === 'Missing') return 'bad';
  if (phase === 'Terminating') return 'muted';
  return 'warn';
}

/** The events about this claim, newest first (events of any object may be passed). */
export function eventsOfClaim(claim: ClaimObject, events: EventView[]): EventView[] {
  return byRecency(
    events.filter((e) => e.involvedObject?.kind === 'PersistentVolumeClaim' && (e.involvedObject.uid ? e.involvedObject.uid === claim.metadata.uid : e.involvedObject.name === claim.metadata.name && e.involvedObject.namespace === claim.metadata.namespace)),
  );
}

/**
 * Why a claim is not Bound, or undefined. `classes` undefined means the
 * StorageClasses are not known (yet): no conclusion is drawn from a missing one.
 */
export function claimProblem(claim: ClaimObject, classes: StorageClassObject[] | undefined, events: EventView[] = []): string | undefined {
  const phase = claimPhase(claim);
  if (phase === 'Bound') return undefined;
  const own = eventsOfClaim(claim, events);
  const warning = own.find((e) => e.type === 'Warning');
  const quoted = warning ? ` (${warning.reason}: ${warning.message})` : '';
  if (phase === 'Terminating') return 'being deleted: kubernetes.io/pvc-protection keeps it until no pod uses it';
  if (phase === 'Lost') return warning?.message ?? `its PersistentVolume ${claim.spec?.volumeName ?? ''} is gone: the data is lost`;
  const volumeName = claim.spec?.volumeName;
  if (volumeName) return `waiting for PersistentVolume ${volumeName} to be bound to it${quoted}`;
  const className = storageClassOf(claim);
  if (!className) return `no StorageClass: it waits for a PersistentVolume without a class that matches it${quoted}`;
  const sc = classes?.find((c) => c.metadata.name === className);
  if (classes && !sc) return `StorageClass "${className}" does not exist, so no volume can be provisioned for it${quoted}`;
  const node = claim.metadata.annotations?.[annSelectedNode];
  if (sc?.volumeBindingMode === 'WaitForFirstConsumer' && !node) {
    return `WaitForFirstConsumer: StorageClass ${className} makes the volume only once a pod using this claim is scheduled${quoted}`;
  }
  const provisioner = claim.metadata.annotations?.[annStorageProvisioner] ?? sc?.provisioner;
  if (provisioner) return `waiting for ${provisioner} to provision its volume${node ? ` on node ${node}` : ''}${quoted}`;
  // Nothing in the objects explains it: the latest event is the best account.
  const latest = own[0];
  return latest ? `${latest.reason}: ${latest.message}` : undefined;
}
