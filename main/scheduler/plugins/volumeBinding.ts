// VolumeBinding (pkg/scheduler/framework/plugins/volumebinding): a pod's
// claims must be usable on the node. A bound claim's volume must allow the
// node (its node affinity); an unbound claim of a WaitForFirstConsumer class
// needs an available volume on the node or a provisioner; an unbound claim of
// an Immediate class means the pod waits for the PV controller. PreBind then
// commits the choice: a matching static volume is pre-bound to the claim, or
// the claim gets volume.kubernetes.io/selected-node for its provisioner.

import { annSelectedNode, storageClassOf } from '../../kube/storage/volumeHelpers.ts';
import { findMatchingVolume } from '../../controllers/volume/volumeMatching.ts';
import { volumeFitsNode } from '../../controllers/volume/volumeNodeAffinity.ts';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../controllers/volume/volumeTypes.ts';
import { NodeAdd } from '../clusterEvents.ts';
import { newStatus, SUCCESS, type ClusterEventWithHint, type FilterPlugin, type PreFilterPlugin, type PreFilterResult, type Status } from '../framework.ts';
import type { NodeInfo } from '../nodeInfo.ts';
import type { Node, Pod } from '../types.ts';

export const VOLUME_BINDING = 'VolumeBinding';
export const ERR_REASON_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";

/** What the plugin reads (the scheduler's informer caches) and the writes PreBind makes. */
export interface VolumeState {
  claim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  volume(name: string): PersistentVolume | undefined;
  volumes(): PersistentVolume[];
  storageClass(name: string): StorageClass | undefined;
  /** Pre-binds `volume` to `claim` (claimRef); the PV controller completes the binding. */
  preBindVolume(volume: PersistentVolume, claim: PersistentVolumeClaim): Promise<void>;
  /** Sets volume.kubernetes.io/selected-node on the claim for its provisioner. */
  selectNode(claim: PersistentVolumeClaim, node: string): Promise<void>;
  /** Resolves true once `check` holds (tried again on every storage change), false after `timeoutMs`. */
  waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean>;
}

/** The scheduler's --bind-timeout-seconds default: how long PreBind waits for the claims to be bound. */
export const BIND_TIMEOUT_MS = 600_000;

interface PodClaims {
  bound: PersistentVolume[];
  /** Unbound claims of WaitForFirstConsumer classes: the scheduler binds them. */
  delayed: PersistentVolumeClaim[];
}

function claimNames(pod: Pod): string[] {
  const names: string[] = [];
  for (const volume of (pod.spec.volumes ?? []) as Array<{ name: string; persistentVolumeClaim?: { claimName?: string }; ephemeral?: unknown }>) {
    if (volume.persistentVolumeClaim?.claimName) names.push(volume.persistentVolumeClaim.claimName);
    else if (volume.ephemeral) names.push(`${pod.metadata.name}-${volume.name}`);
  }
  return names;
}

export class VolumeBinding implements PreFilterPlugin, FilterPlugin {
  readonly name = VOLUME_BINDING;

  constructor(private readonly state: VolumeState) {}

  /** The pod's claims sorted out, or the status that makes the pod wait. */
  private podClaims(pod: Pod): PodClaims | Status {
    const out: PodClaims = { bound: [], delayed: [] };
    let unboundImmediate = false;
    for (const name of claimNames(pod)) {
      const claim = this.state.claim(pod.metadata.namespace ?? 'default', name);
      if (!claim) return newStatus('UnschedulableAndUnresolvable', `persistentvolumeclaim "${name}" not found`);
      if (claim.metadata.deletionTimestamp) return newStatus('UnschedulableAndUnresolvable', `persistentvolumeclaim "${name}" is being deleted`);
      const volumeName = claim.spec?.volumeName;
      if (volumeName) {
        const volume = this.state.volume(volumeName);
        if (!volume) return newStatus('UnschedulableAndUnresolvable', `persistentvolume "${volumeName}" not found`);
        out.bound.push(volume);
        continue;
      }
      const sc = this.state.storageClass(storageClassOf(claim));
      if (sc?.volumeBindingMode === 'WaitForFirstConsumer') out.delayed.push(claim);
      else unboundImmediate = true;
    }
    if (unboundImmediate) return newStatus('UnschedulableAndUnresolvable', ERR_REASON_UNBOUND_IMMEDIATE);
    return out;
  }

  preFilter(pod: Pod): PreFilterResult {
    if (claimNames(pod).length === 0) return { status: newStatus('Skip') };
    const claims = this.podClaims(pod);
    return { status: 'code' in claims ? claims : SUCCESS };
  }

  filter(pod: Pod, nodeInfo: NodeInfo): Status {
    const claims = this.podClaims(pod);
    if ('code' in claims) return claims;
    const node = nodeInfo.node;
    if (claims.bound.some((volume) => !volumeFitsNode(volume, node))) return newStatus('UnschedulableAndUnresolvable', ERR_REASON_NODE_CONFLICT);
    for (const claim of claims.delayed) {
      if (this.staticVolumeFor(claim, node)) continue;
      // No volume to take: its class's provisioner makes one for this node (any node suits local-path).
      if (!this.state.storageClass(storageClassOf(claim))?.provisioner) return newStatus('UnschedulableAndUnresolvable', ERR_REASON_BIND_CONFLICT);
    }
    return SUCCESS;
  }

  private staticVolumeFor(claim: PersistentVolumeClaim, node: Node): PersistentVolume | undefined {
    return findMatchingVolume(claim, this.state.volumes(), { delayBinding: true, node });
  }

  /**
   * AssumePodVolumes + BindPodVolumes, before the pod is bound to the node:
   * the writes, then the wait until the PV controller (and a provisioner)
   * have bound every claim, so the kubelet never sees the pod before its
   * volumes exist.
   */
  async preBind(pod: Pod, node: Node): Promise<void> {
    const claims = this.podClaims(pod);
    if ('code' in claims || claims.delayed.length === 0) return;
    for (const claim of claims.delayed) {
      const volume = this.staticVolumeFor(claim, node);
      if (volume) await this.state.preBindVolume(volume, claim);
      else if (claim.metadata.annotations?.[annSelectedNode] !== node.metadata.name) await this.state.selectNode(claim, node.metadata.name ?? '');
    }
    const allBound = () =>
      claims.delayed.every((c) => {
        const current = this.state.claim(c.metadata.namespace ?? '', c.metadata.name ?? '');
        return current?.status?.phase === 'Bound' && !!current.spec?.volumeName;
      });
    if (!(await this.state.waitUntil(allBound, BIND_TIMEOUT_MS))) throw new Error('binding volumes: context deadline exceeded');
  }

  eventsToRegister(): ClusterEventWithHint[] {
    // Claims, volumes and classes come and go through the scheduler's storage informers, which requeue pods themselves.
    return [{ event: NodeAdd, hint: () => 'Queue' }];
  }
}
