// The local-path provisioner (rancher.io/local-path, as kind runs it), in
// PodLab's process: for a claim the PV controller handed to it, once the
// scheduler has chosen a node (volume.kubernetes.io/selected-node), it makes
// the volume's storage on that node and a hostPath PV pre-bound to the claim,
// with required node affinity on that node and the class's reclaim policy; a
// Released volume it provisioned with policy Delete loses its storage and
// its PV object (on Docker only once no container, even of a finished pod
// not yet deleted, still references its named volume).

import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import { annDynamicallyProvisioned, annSelectedNode, annStorageProvisioner, storageClassOf } from '../../kube/storage/volumeHelpers.ts';
import { QueueController, splitKey, type ControllerContext } from '../shared/controller.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import { isLocalPathVolume, localPathProvisionerName, localPathRoot, localPathVolumeName, type LocalPathStorage } from './localPath.ts';
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
/** The annotation kind's provisioner records the node on, besides the affinity. */
const annLocalPathNode = 'local.path.provisioner/selected-node';

export class LocalPathProvisioner extends QueueController {
  private readonly claims: SharedInformer<PersistentVolumeClaim>;
  private readonly volumes: SharedInformer<PersistentVolume>;
  private readonly classes: SharedInformer<StorageClass>;
  private readonly volumeClient: ResourceClient<PersistentVolume>;
  private readonly events: EventRecorder;

  constructor(
    ctx: ControllerContext,
    private readonly storage: LocalPathStorage,
  ) {
    super('local-path-provisioner', ctx, 2);
    this.claims = ctx.informers.informer<PersistentVolumeClaim>(persistentVolumeClaimsResource);
    this.volumes = ctx.informers.informer<PersistentVolume>(persistentVolumesResource);
    this.classes = ctx.informers.informer<StorageClass>(storageClassesResource);
    this.volumeClient = ctx.client.resource<PersistentVolume>(persistentVolumesResource);
    this.events = ctx.recorder(`${localPathProvisionerName}_podlab`);
    const onClaim = (pvc: PersistentVolumeClaim) => this.queue.add(`${claimPrefix}${pvc.metadata.namespace}/${pvc.metadata.name}`);
    this.claims.addEventHandler({ onAdd: onClaim, onUpdate: (_, pvc) => onClaim(pvc) });
    const onVolume = (pv: PersistentVolume) => this.queue.add(volumePrefix + (pv.metadata.name ?? ''));
    this.volumes.addEventHandler({ onAdd: onVolume, onUpdate: (_, pv) => onVolume(pv) });
  }

  protected async reconcile(key: string): Promise<void> {
    if (key.startsWith(claimPrefix)) {
      const { namespace, name } = splitKey(key.slice(claimPrefix.length));
      const claim = this.claims.get(namespace, name);
      if (claim) await this.provision(claim);
    } else {
      const volume = this.volumes.get(undefined, key.slice(volumePrefix.length));
      if (volume) await this.reclaim(volume);
    }
  }

  private async provision(claim: PersistentVolumeClaim): Promise<void> {
    if (claim.metadata.deletionTimestamp || claim.spec?.volumeName) return;
    if (claim.metadata.annotations?.[annStorageProvisioner] !== localPathProvisionerName) return;
    const className = storageClassOf(claim);
    const sc = this.classes.get(undefined, className);
    if (sc?.provisioner !== localPathProvisionerName) return;
    const pvName = `pvc-${claim.metadata.uid}`;
    if (this.volumes.get(undefined, pvName)) return;
    const node = claim.metadata.annotations?.[annSelectedNode];
    const claimKey = `${claim.metadata.namespace}/${claim.metadata.name}`;
    if (!node) {
      // Only a class that waits for the first consumer gets a node from the scheduler.
      if (sc.volumeBindingMode !== 'WaitForFirstConsumer') {
        this.events.event(claim, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${className}": configuration error, no node was specified`);
      }
      return;
    }
    this.events.event(claim, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${claimKey}"`);
    await this.storage.create(localPathVolumeName(pvName), node);
    const pv: PersistentVolume = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pvName, annotations: { [annDynamicallyProvisioned]: localPathProvisionerName, [annLocalPathNode]: node } },
      spec: {
        capacity: { storage: String(claim.spec?.resources?.requests?.storage ?? '0') },
        accessModes: claim.spec?.accessModes ?? [],
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
        storageClassName: className,
        volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
        hostPath: { path: `${localPathRoot}/${pvName}_${claim.metadata.namespace}_${claim.metadata.name}`, type: 'DirectoryOrCreate' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
        claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid, resourceVersion: claim.metadata.resourceVersion },
      },
    };
    try {
      await this.volumeClient.create(undefined, pv);
    } catch (err) {
      if (!isApiError(err, 'AlreadyExists')) throw err;
      return;
    }
    this.events.event(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`);
  }

  private async reclaim(volume: PersistentVolume): Promise<void> {
    if (!isLocalPathVolume(volume) || volume.status?.phase !== 'Released' || volume.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
    if (volume.metadata.deletionTimestamp) return;
    const node = volume.spec.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values?.[0] ?? '';
    try {
      await this.storage.remove(localPathVolumeName(volume.metadata.name ?? ''), node);
    } catch (err) {
      // On Docker a volume some container still references (a finished pod not yet deleted) cannot go: retried with backoff.
      this.events.event(volume, 'Warning', 'VolumeFailedDelete', (err as Error).message);
      throw err;
    }
    try {
      await this.volumeClient.delete(undefined, volume.metadata.name ?? '');
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
    }
  }
}
