// The pvc-protection controller (pkg/controller/volume/pvcprotection): a
// claim being deleted keeps its kubernetes.io/pvc-protection finalizer while
// any pod that has not finished uses it; the last such pod going lets the
// deletion complete. Before removing the finalizer it asks the API server,
// not only its cache, as Kubernetes does, so a pod just created is not missed.

import type { ResourceClient } from '../../kube/client/types.ts';
import { pvcProtectionFinalizer } from '../../kube/storage/volumeHelpers.ts';
import { QueueController, splitKey, type ControllerContext } from '../shared/controller.ts';
import { removeFinalizer } from '../shared/finalizers.ts';
import { podsResource } from '../shared/resources.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import type { Pod } from '../shared/types.ts';
import { persistentVolumeClaimsResource, type PersistentVolumeClaim } from './volumeTypes.ts';

/** The claims a pod's volumes name (persistentVolumeClaim volumes and generic ephemeral volumes). */
export function claimNamesOfPod(pod: Pod): string[] {
  const names: string[] = [];
  for (const volume of (pod.spec?.volumes ?? []) as Array<{ name: string; persistentVolumeClaim?: { claimName?: string }; ephemeral?: unknown }>) {
    if (volume.persistentVolumeClaim?.claimName) names.push(volume.persistentVolumeClaim.claimName);
    else if (volume.ephemeral) names.push(`${pod.metadata.name}-${volume.name}`);
  }
  return names;
}

/** A pod that finished (or was never going to run) no longer holds its claims. */
function podHoldsClaims(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

export class PvcProtectionController extends QueueController {
  private readonly claims: SharedInformer<PersistentVolumeClaim>;
  private readonly pods: SharedInformer<Pod>;
  private readonly claimClient: ResourceClient<PersistentVolumeClaim>;
  private readonly podClient: ResourceClient<Pod>;

  constructor(ctx: ControllerContext) {
    super('pvc-protection', ctx, 1);
    this.claims = ctx.informers.informer<PersistentVolumeClaim>(persistentVolumeClaimsResource);
    this.pods = ctx.informers.informer<Pod>(podsResource);
    this.claimClient = ctx.client.resource<PersistentVolumeClaim>(persistentVolumeClaimsResource);
    this.podClient = ctx.client.resource<Pod>(podsResource);
    this.claims.addEventHandler({ onAdd: (pvc) => this.enqueue(pvc), onUpdate: (_, pvc) => this.enqueue(pvc) });
    const onPod = (pod: Pod) => {
      for (const name of claimNamesOfPod(pod)) this.queue.add(`${pod.metadata.namespace}/${name}`);
    };
    this.pods.addEventHandler({ onUpdate: (_, pod) => onPod(pod), onDelete: onPod });
  }

  protected async reconcile(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const claim = this.claims.get(namespace, name);
    if (!claim?.metadata.deletionTimestamp || !claim.metadata.finalizers?.includes(pvcProtectionFinalizer)) return;
    if (this.usedBy(this.pods.list(namespace), name)) return;
    // The cache may lag behind a pod created a moment ago: confirm with a live list.
    if (this.usedBy((await this.podClient.list(namespace)).items, name)) return;
    await removeFinalizer(this.claimClient, namespace, name, claim.metadata.uid, pvcProtectionFinalizer);
  }

  private usedBy(pods: Pod[], claimName: string): boolean {
    return pods.some((pod) => podHoldsClaims(pod) && claimNamesOfPod(pod).includes(claimName));
  }
}
