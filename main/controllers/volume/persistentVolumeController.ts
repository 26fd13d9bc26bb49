// The PersistentVolume controller (kube-controller-manager's
// persistentvolume-binder, pkg/controller/volume/persistentvolume): binds
// claims to volumes both ways (claim.spec.volumeName and volume.spec.claimRef,
// with the bind-completed and bound-by-controller annotations), keeps the
// phases (claims Pending/Bound/Lost, volumes Available/Bound/Released/Failed),
// hands claims with no matching volume to their class's provisioner (every
// provisioner is external to the binder, as CSI and kind's local-path are:
// the claim is annotated and the provisioner creates a volume pre-bound to
// it), and reclaims volumes whose claim is gone.

import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import { kubeTimestamp } from '../../kube/time.ts';
import {
  annBetaStorageProvisioner,
  annBindCompleted,
  annBoundByController,
  annDynamicallyProvisioned,
  annSelectedNode,
  annStorageProvisioner,
  storageClassOf,
} from '../../kube/storage/volumeHelpers.ts';
import { QueueController, splitKey, type ControllerContext } from '../shared/controller.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import { findMatchingVolume, isVolumeBoundToClaim } from './volumeMatching.ts';
import {
  persistentVolumeClaimsResource,
  persistentVolumesResource,
  storageClassesResource,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type StorageClass,
} from './volumeTypes.ts';

const claimPrefix = 'claim:';
const volumePrefix = 'volume:';

export class PersistentVolumeController extends QueueController {
  private readonly volumes: SharedInformer<PersistentVolume>;
  private readonly claims: SharedInformer<PersistentVolumeClaim>;
  private readonly classes: SharedInformer<StorageClass>;
  private readonly volumeClient: ResourceClient<PersistentVolume>;
  private readonly claimClient: ResourceClient<PersistentVolumeClaim>;
  private readonly events: EventRecorder;

  constructor(ctx: ControllerContext) {
    super('persistentvolume-binder', ctx, 1);
    this.volumes = ctx.informers.informer<PersistentVolume>(persistentVolumesResource);
    this.claims = ctx.informers.informer<PersistentVolumeClaim>(persistentVolumeClaimsResource);
    this.classes = ctx.informers.informer<StorageClass>(storageClassesResource);
    this.volumeClient = ctx.client.resource<PersistentVolume>(persistentVolumesResource);
    this.claimClient = ctx.client.resource<PersistentVolumeClaim>(persistentVolumeClaimsResource);
    this.events = ctx.recorder('persistentvolume-controller');
    const onVolume = (pv: PersistentVolume) => {
      this.queue.add(volumePrefix + (pv.metadata.name ?? ''));
      // A claim waiting for this volume (pre-bound, or newly provisioned for it) gets another look.
      const ref = pv.spec?.claimRef;
      if (ref?.name && ref.namespace) this.queue.add(`${claimPrefix}${ref.namespace}/${ref.name}`);
    };
    this.volumes.addEventHandler({ onAdd: onVolume, onUpdate: (_, pv) => onVolume(pv), onDelete: onVolume });
    const onClaim = (pvc: PersistentVolumeClaim) => {
      this.queue.add(`${claimPrefix}${pvc.metadata.namespace}/${pvc.metadata.name}`);
      if (pvc.spec?.volumeName) this.queue.add(volumePrefix + pvc.spec.volumeName);
    };
    this.claims.addEventHandler({
      onAdd: onClaim,
      onUpdate: (_, pvc) => onClaim(pvc),
      // The volume of a deleted claim is released.
      onDelete: (pvc) => {
        for (const pv of this.volumes.list()) if (pv.spec?.claimRef?.uid === pvc.metadata.uid) this.queue.add(volumePrefix + (pv.metadata.name ?? ''));
      },
    });
    // A class created late lets waiting claims provision.
    this.classes.addEventHandler({ onAdd: () => this.resyncPendingClaims() });
  }

  private resyncPendingClaims(): void {
    for (const pvc of this.claims.list()) if (!pvc.spec?.volumeName) this.queue.add(`${claimPrefix}${pvc.metadata.namespace}/${pvc.metadata.name}`);
  }

  protected async reconcile(key: string): Promise<void> {
    if (key.startsWith(claimPrefix)) {
      const { namespace, name } = splitKey(key.slice(claimPrefix.length));
      const claim = this.claims.get(namespace, name);
      if (claim) await this.syncClaim(claim);
    } else if (key.startsWith(volumePrefix)) {
      const volume = this.volumes.get(undefined, key.slice(volumePrefix.length));
      if (volume) await this.syncVolume(volume);
    }
  }

  // ---- claims ----

  private async syncClaim(claim: PersistentVolumeClaim): Promise<void> {
    if (claim.metadata.annotations?.[annBindCompleted] === undefined) await this.syncUnboundClaim(claim);
    else await this.syncBoundClaim(claim);
  }

  private delayBinding(claim: PersistentVolumeClaim): boolean {
    const className = storageClassOf(claim);
    if (!className) return false;
    return this.classes.get(undefined, className)?.volumeBindingMode === 'WaitForFirstConsumer';
  }

  private async syncUnboundClaim(claim: PersistentVolumeClaim): Promise<void> {
    const volumeName = claim.spec?.volumeName;
    if (!volumeName) {
      const delay = this.delayBinding(claim);
      const volume = findMatchingVolume(claim, this.volumes.list(), { delayBinding: delay });
      if (volume) {
        await this.bind(volume, claim);
        return;
      }
      if (delay && !claim.metadata.annotations?.[annSelectedNode]) {
        this.events.event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
        await this.setClaimPhase(claim, 'Pending');
        return;
      }
      const className = storageClassOf(claim);
      if (!className) {
        this.events.event(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
        await this.setClaimPhase(claim, 'Pending');
        return;
      }
      await this.provisionExternally(claim, className);
      await this.setClaimPhase(claim, 'Pending');
      return;
    }
    // The claim names its volume (set by the user, or by an earlier pass of this controller).
    const volume = this.volumes.get(undefined, volumeName);
    if (!volume) {
      await this.setClaimPhase(claim, 'Pending');
      return;
    }
    if (!volume.spec?.claimRef || isVolumeBoundToClaim(volume, claim)) {
      await this.bind(volume, claim);
      return;
    }
    this.events.event(claim, 'Warning', 'FailedBinding', `volume "${volumeName}" already bound to a different claim.`);
    await this.setClaimPhase(claim, 'Pending');
  }

  private async syncBoundClaim(claim: PersistentVolumeClaim): Promise<void> {
    const volumeName = claim.spec?.volumeName;
    if (!volumeName) {
      await this.markClaimLost(claim, 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
      return;
    }
    const volume = this.volumes.get(undefined, volumeName);
    if (!volume) {
      await this.markClaimLost(claim, 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      return;
    }
    if (!volume.spec?.claimRef || isVolumeBoundToClaim(volume, claim)) {
      // Finish a binding that stopped half-way, or keep the phases right.
      await this.bind(volume, claim);
      return;
    }
    await this.markClaimLost(claim, 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
  }

  /** provisionClaim for an external provisioner: annotate the claim and say who is expected to act. */
  private async provisionExternally(claim: PersistentVolumeClaim, className: string): Promise<void> {
    const sc = this.classes.get(undefined, className);
    if (!sc) {
      this.events.event(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
      return;
    }
    const provisioner = sc.provisioner ?? '';
    const annotations = claim.metadata.annotations ?? {};
    if (annotations[annStorageProvisioner] !== provisioner || annotations[annBetaStorageProvisioner] !== provisioner) {
      await this.claimClient.patch(claim.metadata.namespace, claim.metadata.name ?? '', 'application/merge-patch+json', {
        metadata: { annotations: { [annStorageProvisioner]: provisioner, [annBetaStorageProvisioner]: provisioner } },
      });
    }
    this.events.event(
      claim,
      'Normal',
      'ExternalProvisioning',
      `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
  }

  /** bind: the volume first (claimRef, phase Bound), then the claim (volumeName, annotations, phase and capacity). */
  private async bind(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    let pv = volume;
    if (!isVolumeBoundToClaim(pv, claim) || !pv.spec?.claimRef?.uid) {
      const boundByController = !pv.spec?.claimRef;
      pv = await this.volumeClient.update(undefined, {
        ...pv,
        metadata: { ...pv.metadata, annotations: { ...pv.metadata.annotations, ...(boundByController ? { [annBoundByController]: 'yes' } : {}) } },
        spec: {
          ...pv.spec,
          claimRef: { kind: 'PersistentVolumeClaim', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion },
        },
      });
    }
    if (pv.status?.phase !== 'Bound') pv = await this.volumeClient.updateStatus(undefined, { ...pv, status: { ...pv.status, phase: 'Bound', lastPhaseTransitionTime: this.nowTimestamp() } });

    let pvc = claim;
    const annotations = pvc.metadata.annotations ?? {};
    if (pvc.spec?.volumeName !== pv.metadata.name || annotations[annBindCompleted] === undefined) {
      const boundByController = !pvc.spec?.volumeName;
      pvc = await this.claimClient.update(pvc.metadata.namespace, {
        ...pvc,
        metadata: { ...pvc.metadata, annotations: { ...annotations, [annBindCompleted]: 'yes', ...(boundByController ? { [annBoundByController]: 'yes' } : {}) } },
        spec: { ...pvc.spec, volumeName: pv.metadata.name },
      });
    }
    const status = pvc.status ?? {};
    const capacity = pv.spec?.capacity?.storage;
    if (status.phase !== 'Bound' || status.capacity?.storage !== capacity || JSON.stringify(status.accessModes ?? []) !== JSON.stringify(pv.spec?.accessModes ?? [])) {
      await this.claimClient.updateStatus(pvc.metadata.namespace, {
        ...pvc,
        status: { ...status, phase: 'Bound', accessModes: pv.spec?.accessModes ?? [], capacity: { ...(pv.spec?.capacity ?? {}) } },
      });
    }
  }

  private async setClaimPhase(claim: PersistentVolumeClaim, phase: string): Promise<void> {
    if (claim.status?.phase === phase) return;
    await this.claimClient.updateStatus(claim.metadata.namespace, { ...claim, status: { ...claim.status, phase } });
  }

  private async markClaimLost(claim: PersistentVolumeClaim, reason: string, message: string): Promise<void> {
    if (claim.status?.phase === 'Lost') return;
    this.events.event(claim, 'Warning', reason, message);
    await this.setClaimPhase(claim, 'Lost');
  }

  // ---- volumes ----

  private async syncVolume(volume: PersistentVolume): Promise<void> {
    const ref = volume.spec?.claimRef;
    if (!ref) {
      await this.setVolumePhase(volume, 'Available');
      return;
    }
    if (!ref.uid) {
      // Pre-bound by a user to a claim that may not exist yet: the claim's sync finishes the binding.
      await this.setVolumePhase(volume, 'Available');
      return;
    }
    const claim = this.claims.get(ref.namespace, ref.name ?? '');
    if (!claim || claim.metadata.uid !== ref.uid) {
      await this.releaseAndReclaim(volume);
      return;
    }
    if (!claim.spec?.volumeName) {
      // The claim binding has not reached the claim yet: its sync completes it.
      this.queue.add(`${claimPrefix}${claim.metadata.namespace}/${claim.metadata.name}`);
      return;
    }
    if (claim.spec.volumeName === volume.metadata.name) {
      await this.setVolumePhase(volume, 'Bound');
      return;
    }
    // The claim went to another volume: a binding this controller made is undone.
    if (volume.metadata.annotations?.[annBoundByController]) {
      const annotations = { ...volume.metadata.annotations };
      delete annotations[annBoundByController];
      const spec = { ...volume.spec };
      delete spec.claimRef;
      const updated = await this.volumeClient.update(undefined, { ...volume, metadata: { ...volume.metadata, annotations }, spec });
      await this.setVolumePhase(updated, 'Available');
    } else {
      await this.releaseAndReclaim(volume);
    }
  }

  private async releaseAndReclaim(volume: PersistentVolume): Promise<void> {
    let pv = volume;
    if (pv.status?.phase !== 'Released' && pv.status?.phase !== 'Failed') pv = await this.setVolumePhase(pv, 'Released');
    const policy = pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
    if (policy === 'Retain' || pv.status?.phase === 'Failed') return;
    if (policy === 'Recycle') {
      this.events.event(pv, 'Warning', 'VolumeFailedRecycle', 'No recycler plugin found for the volume!');
      await this.setVolumePhase(pv, 'Failed', 'No recycler plugin found for the volume!');
      return;
    }
    // Delete: a dynamically provisioned volume is deleted by its (external) provisioner, which watches for this.
    if (pv.metadata.annotations?.[annDynamicallyProvisioned]) return;
    const message = `error getting deleter volume plugin for volume "${pv.metadata.name}": no deletable volume plugin matched`;
    this.events.event(pv, 'Warning', 'VolumeFailedDelete', message);
    await this.setVolumePhase(pv, 'Failed', message);
  }

  private async setVolumePhase(volume: PersistentVolume, phase: string, message?: string): Promise<PersistentVolume> {
    if (volume.status?.phase === phase && (message === undefined || volume.status.message === message)) return volume;
    const status = { ...volume.status, phase, lastPhaseTransitionTime: this.nowTimestamp() } as NonNullable<PersistentVolume['status']>;
    if (message === undefined) delete status.message;
    else status.message = message;
    try {
      return await this.volumeClient.updateStatus(undefined, { ...volume, status });
    } catch (err) {
      if (isApiError(err, 'NotFound')) return volume;
      throw err;
    }
  }

  private nowTimestamp(): string {
    return kubeTimestamp(new Date(this.ctx.clock.now()));
  }
}
