// Growing a bound claim (kube-controller-manager's expand controller, and the
// resizer that does the work): a claim whose requested size passed its
// capacity, in a class that allows expansion. Local-path volumes are Docker
// volumes or directories with no fixed size, so their resize is the record
// of it: the PV's capacity, then the claim's status, with the Resizing and
// VolumeResizeSuccessful events an external resizer reports. Any other
// volume waits for its own resizer, as Kubernetes says (ExternalExpanding).

import type { EventRecorder } from '../../kube/client/eventRecorder.ts';
import type { ResourceClient } from '../../kube/client/types.ts';
import { compareQuantities, parseQuantity } from '../../kube/quantity.ts';
import { storageClassOf } from '../../kube/storage/volumeHelpers.ts';
import { QueueController, splitKey, type ControllerContext } from '../shared/controller.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import { isLocalPathVolume } from './localPath.ts';
import { persistentVolumeClaimsResource, persistentVolumesResource, storageClassesResource, type PersistentVolume, type PersistentVolumeClaim, type StorageClass } from './volumeTypes.ts';

export class VolumeExpander extends QueueController {
  private readonly claims: SharedInformer<PersistentVolumeClaim>;
  private readonly volumes: SharedInformer<PersistentVolume>;
  private readonly classes: SharedInformer<StorageClass>;
  private readonly claimClient: ResourceClient<PersistentVolumeClaim>;
  private readonly volumeClient: ResourceClient<PersistentVolume>;
  private readonly events: EventRecorder;
  /** Claims told to wait for an external resizer, by uid and wanted size: said once. */
  private readonly toldExternal = new Set<string>();

  constructor(ctx: ControllerContext) {
    super('volume-expand', ctx, 1);
    this.claims = ctx.informers.informer<PersistentVolumeClaim>(persistentVolumeClaimsResource);
    this.volumes = ctx.informers.informer<PersistentVolume>(persistentVolumesResource);
    this.classes = ctx.informers.informer<StorageClass>(storageClassesResource);
    this.claimClient = ctx.client.resource<PersistentVolumeClaim>(persistentVolumeClaimsResource);
    this.volumeClient = ctx.client.resource<PersistentVolume>(persistentVolumesResource);
    this.events = ctx.recorder('volume_expand');
    this.claims.addEventHandler({ onAdd: (pvc) => this.enqueue(pvc), onUpdate: (_, pvc) => this.enqueue(pvc) });
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const claim = this.claims.get(namespace, name);
    const wantedSize = claim?.spec?.resources?.requests?.storage;
    const currentSize = claim?.status?.capacity?.storage;
    const wanted = wantedSize === undefined ? undefined : String(wantedSize);
    const current = currentSize === undefined ? undefined : String(currentSize);
    if (!claim || claim.status?.phase !== 'Bound' || !wanted || !current || compareQuantities(parseQuantity(wanted), parseQuantity(current)) <= 0) return;
    if (this.classes.get('', storageClassOf(claim))?.allowVolumeExpansion !== true) return;
    const volume = this.volumes.get('', claim.spec?.volumeName ?? '');
    if (!volume) return;
    if (!isLocalPathVolume(volume)) {
      const said = `${claim.metadata.uid}/${wanted}`;
      if (!this.toldExternal.has(said)) {
        this.toldExternal.add(said);
        this.events.event(claim, 'Normal', 'ExternalExpanding', 'waiting for an external controller to expand this PVC');
      }
      return;
    }
    this.events.event(claim, 'Normal', 'Resizing', `External resizer is resizing volume ${volume.metadata.name}`);
    await this.volumeClient.patch(undefined, volume.metadata.name ?? '', 'application/merge-patch+json', { spec: { capacity: { storage: wanted } } });
    const latest = await this.claimClient.get(namespace, name);
    await this.claimClient.updateStatus(namespace, {
      ...latest,
      status: { ...latest.status, capacity: { ...latest.status?.capacity, storage: wanted }, allocatedResources: { ...latest.status?.allocatedResources, storage: wanted }, conditions: (latest.status?.conditions ?? []).filter((c) => c.type !== 'Resizing' && c.type !== 'FileSystemResizePending') },
    });
    this.events.event(claim, 'Normal', 'VolumeResizeSuccessful', 'Resize volume succeeded');
  }
}
