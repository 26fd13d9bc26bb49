// The scheduler's view of storage: informers on claims, volumes and classes
// (VolumeBinding reads them) and PreBind's writes. Any change to them may make
// a pod that waited for its claims schedulable, so it requeues the waiting pods.

import { Informer } from '../kube/client/informer.ts';
import type { KubeClient } from '../kube/client/types.ts';
import type { Clock } from '../kube/clock.ts';
import { annSelectedNode } from '../kube/storage/volumeHelpers.ts';
import {
  persistentVolumeClaimsResource,
  persistentVolumesResource,
  storageClassesResource,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type StorageClass,
} from '../controllers/volume/volumeTypes.ts';
import type { VolumeState } from './plugins/volumeBinding.ts';

export class VolumeInformers implements VolumeState {
  private readonly claims: Informer<PersistentVolumeClaim>;
  private readonly pvs: Informer<PersistentVolume>;
  private readonly classes: Informer<StorageClass>;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly client: KubeClient,
    private readonly options: { clock: Clock; onError: (err: unknown, context: string) => void },
    onChange: () => void,
  ) {
    const changed = () => {
      for (const wake of [...this.waiters]) wake();
      onChange();
    };
    const handlers = { onAdd: changed, onUpdate: changed, onDelete: changed };
    this.claims = new Informer(client.resource<PersistentVolumeClaim>(persistentVolumeClaimsResource), handlers, options, 'persistentvolumeclaims');
    this.pvs = new Informer(client.resource<PersistentVolume>(persistentVolumesResource), handlers, options, 'persistentvolumes');
    this.classes = new Informer(client.resource<StorageClass>(storageClassesResource), handlers, options, 'storageclasses');
  }

  start(): Promise<unknown> {
    return Promise.all([this.claims.start(), this.pvs.start(), this.classes.start()]);
  }

  stop(): Promise<unknown> {
    return Promise.all([this.claims.stop(), this.pvs.stop(), this.classes.stop()]);
  }

  claim(namespace: string, name: string): PersistentVolumeClaim | undefined {
    return this.claims.get(`${namespace}/${name}`);
  }

  volume(name: string): PersistentVolume | undefined {
    return this.pvs.get(name);
  }

  volumes(): PersistentVolume[] {
    return this.pvs.values();
  }

  storageClass(name: string): StorageClass | undefined {
    return name ? this.classes.get(name) : undefined;
  }

  async preBindVolume(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    const claimRef = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid };
    await this.client.resource(persistentVolumesResource).patch(undefined, volume.metadata.name ?? '', 'application/merge-patch+json', {
      metadata: { resourceVersion: volume.metadata.resourceVersion, annotations: { 'pv.kubernetes.io/bound-by-controller': 'yes' } },
      spec: { claimRef },
    });
  }

  waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
    if (check()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (result: boolean) => {
        this.waiters.delete(wake);
        timer.cancel();
        resolve(result);
      };
      const wake = () => {
        if (check()) finish(true);
      };
      const timer = this.options.clock.setTimeout(() => finish(false), timeoutMs);
      this.waiters.add(wake);
    });
  }

  async selectNode(claim: PersistentVolumeClaim, node: string): Promise<void> {
    await this.client.resource(persistentVolumeClaimsResource).patch(claim.metadata.namespace, claim.metadata.name ?? '', 'application/merge-patch+json', {
      metadata: { annotations: { [annSelectedNode]: node } },
    });
  }
}
