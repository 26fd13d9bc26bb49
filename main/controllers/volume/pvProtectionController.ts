// The pv-protection controller (pkg/controller/volume/pvprotection): a
// volume being deleted keeps its kubernetes.io/pv-protection finalizer while
// it is Bound to a claim.

import type { ResourceClient } from '../../kube/client/types.ts';
import { pvProtectionFinalizer } from '../../kube/storage/volumeHelpers.ts';
import { QueueController, type ControllerContext } from '../shared/controller.ts';
import { removeFinalizer } from '../shared/finalizers.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import { persistentVolumesResource, type PersistentVolume } from './volumeTypes.ts';

export class PvProtectionController extends QueueController {
  private readonly volumes: SharedInformer<PersistentVolume>;
  private readonly volumeClient: ResourceClient<PersistentVolume>;

  constructor(ctx: ControllerContext) {
    super('pv-protection', ctx, 1);
    this.volumes = ctx.informers.informer<PersistentVolume>(persistentVolumesResource);
    this.volumeClient = ctx.client.resource<PersistentVolume>(persistentVolumesResource);
    this.volumes.addEventHandler({ onAdd: (pv) => this.enqueue(pv), onUpdate: (_, pv) => this.enqueue(pv) });
  }

  protected async reconcile(name: string): Promise<void> {
    const volume = this.volumes.get(undefined, name);
    if (!volume?.metadata.deletionTimestamp || !volume.metadata.finalizers?.includes(pvProtectionFinalizer)) return;
    if (volume.status?.phase === 'Bound') return;
    await removeFinalizer(this.volumeClient, undefined, name, volume.metadata.uid, pvProtectionFinalizer);
  }
}
