// The pod's volumes on this node: emptyDirs as runtime volumes (tmpfs for
// medium Memory), hostPaths checked and bound, and ConfigMap, Secret,
// downward API and projected volumes written as files under the kubelet's
// directory (`<root>/pods/<uid>/volumes/<plugin>/<name>`) and bound
// read-only, refreshed on every sync so updates reach running containers.
// A volume that cannot be set up fails with the kubelet's FailedMount text.
// A simulated node's containers cannot open files (they live in this
// process's memory): there the payloads are still made, so a missing
// ConfigMap or Secret fails the same way, but nothing is written.

// fs.promises is loaded when first used: importing node:fs/promises would load it (and readline) as PodLab starts.
import { promises as fsPromises } from 'node:fs';
import { join } from 'node:path';
import type { Mount, MountSource, Runtime } from '../runtime/runtime.ts';
import { terminationMessageMount } from './terminationMessage.ts';
import { AtomicWriter } from './atomicWriter.ts';
import { checkHostPathType } from './hostPathCheck.ts';
import { ContainerStartError } from './startErrors.ts';
import type { Container, Pod, Volume } from './types.ts';
import { volumePayload, type PayloadContext } from './volumePayloads.ts';
import { quantityValue } from '../kube/quantity.ts';
import { ClaimNotReadyError, claimMountSource } from './claimVolumes.ts';

export class VolumeSetupError extends Error {
  constructor(
    readonly volume: string,
    readonly detail: string,
    /** The whole message, when it is not a SetUp failure (a claim not yet bound). */
    message?: string,
  ) {
    super(message ?? `MountVolume.SetUp failed for volume "${volume}" : ${detail}`);
    this.name = 'VolumeSetupError';
  }
}

interface MountedVolume {
  source: MountSource;
  /** Files the kubelet projects: always mounted read-only. */
  projected: boolean;
  /** persistentVolumeClaim.readOnly: every mount of it read-only. */
  readOnly?: boolean;
}

export type PodVolumes = Map<string, MountedVolume>;

const PLUGIN_DIRS: Record<string, string> = {
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
};

export function emptyDirVolumeName(uid: string, volume: string): string {
  return `podlab-${uid}-${volume}`;
}

export class VolumeManager {
  /** Undefined when the node's containers cannot open files. */
  private readonly writer: AtomicWriter | undefined;

  constructor(
    private readonly runtime: Runtime,
    /** The kubelet's own directory for this node. */
    private readonly root: string,
    /** Whether its containers can open files, so that their volumes' files and termination-message files are written. */
    private readonly writesFiles = true,
  ) {
    this.writer = writesFiles ? new AtomicWriter() : undefined;
  }

  private podDir(uid: string): string {
    return join(this.root, 'pods', uid);
  }

  /** Sets up (or refreshes) every volume of the pod; throws VolumeSetupError for the first that fails. */
  async setUp(pod: Pod, ctx: PayloadContext): Promise<PodVolumes> {
    const uid = pod.metadata.uid ?? '';
    const volumes: PodVolumes = new Map();
    const unbound: Array<{ volume: string; detail: string }> = [];
    for (const volume of pod.spec.volumes ?? []) {
      if (volume.persistentVolumeClaim) {
        try {
          const source = await claimMountSource(this.runtime, ctx.objects, pod.metadata.namespace ?? 'default', volume.persistentVolumeClaim.claimName);
          volumes.set(volume.name, { source, projected: false, readOnly: volume.persistentVolumeClaim.readOnly === true });
        } catch (error) {
          if (error instanceof ClaimNotReadyError) unbound.push({ volume: volume.name, detail: error.message });
          else throw new VolumeSetupError(volume.name, (error as Error).message);
        }
        continue;
      }
      volumes.set(volume.name, await this.setUpVolume(uid, volume, ctx));
    }
    if (unbound.length > 0) {
      // The volume manager waits for every volume before any container starts, as WaitForAttachAndMount does.
      const names = unbound.map((u) => u.volume).join(' ');
      throw new VolumeSetupError(unbound[0]!.volume, unbound[0]!.detail, `Unable to attach or mount volumes: unmounted volumes=[${names}], unattached volumes=[${names}], failed to process volumes=[${names}]: ${unbound.map((u) => u.detail).join('; ')}`);
    }
    return volumes;
  }

  private async setUpVolume(uid: string, volume: Volume, ctx: PayloadContext): Promise<MountedVolume> {
    try {
      if (volume.emptyDir) {
        const name = emptyDirVolumeName(uid, volume.name);
        const memory = volume.emptyDir.medium === 'Memory';
        const sizeBytes = memory && volume.emptyDir.sizeLimit ? quantityValue(String(volume.emptyDir.sizeLimit)) : undefined;
        await this.runtime.createVolume({ name, labels: { 'io.kubernetes.pod.uid': uid }, ...(memory ? { medium: 'memory' as const } : {}), ...(sizeBytes ? { sizeBytes } : {}) });
        return { source: { type: 'volume', name }, projected: false };
      }
      if (volume.hostPath) {
        const problem = checkHostPathType(volume.hostPath.path, volume.hostPath.type);
        if (problem) throw new Error(problem);
        return { source: { type: 'hostPath', path: volume.hostPath.path }, projected: false };
      }
      const plugin = Object.keys(PLUGIN_DIRS).find((key) => (volume as unknown as Record<string, unknown>)[key] !== undefined);
      const payload = await volumePayload(volume, ctx);
      if (plugin && payload) {
        const dir = join(this.podDir(uid), 'volumes', PLUGIN_DIRS[plugin]!, volume.name);
        await this.writer?.write(dir, payload);
        return { source: { type: 'hostPath', path: dir }, projected: true };
      }
    } catch (error) {
      if (error instanceof VolumeSetupError) throw error;
      throw new VolumeSetupError(volume.name, (error as Error).message);
    }
    const kind = Object.keys(volume).find((key) => key !== 'name') ?? 'unknown';
    throw new VolumeSetupError(volume.name, `volume type ${kind} is not supported by PodLab`);
  }

  /** The container's mounts, each subPath resolved against its volume. */
  mounts(container: Container, volumes: PodVolumes): Mount[] {
    return (container.volumeMounts ?? []).map((mount) => {
      const volume = volumes.get(mount.name);
      if (!volume) throw new ContainerStartError('CreateContainerConfigError', `cannot find volume "${mount.name}" to mount into container "${container.name}"`);
      let source = volume.source;
      if (mount.subPath) {
        // Engine volumes (emptyDir, local-path claims) take the subPath through the runtime, which makes it safely.
        if (source.type === 'volume') source = { ...source, subPath: mount.subPath };
        else if (source.type === 'hostPath') source = { type: 'hostPath', path: join(source.path, mount.subPath) };
        else throw new ContainerStartError('CreateContainerConfigError', `failed to prepare subPath for volumeMount "${mount.name}" of container "${container.name}": subPath is not supported for memory mounts`);
      }
      return { containerPath: mount.mountPath, source, readOnly: volume.projected || volume.readOnly === true || mount.readOnly === true };
    });
  }

  /** A fresh termination-message file for this instance of the container, and its mount (see terminationMessage.ts); none where containers cannot write files. */
  async terminationMessageMount(uid: string, container: Container, restartCount: number): Promise<Mount | undefined> {
    return this.writesFiles ? terminationMessageMount(this.podDir(uid), container, restartCount) : undefined;
  }

  /** Removes what the pod's volumes left: projected files and emptyDir volumes. Its containers must be gone. */
  async tearDown(uid: string, volumeNames: string[]): Promise<void> {
    if (this.writer) {
      const dir = this.podDir(uid);
      this.writer.forget(dir);
      await fsPromises.rm(dir, { recursive: true, force: true });
    }
    for (const name of volumeNames) await this.runtime.removeVolume(emptyDirVolumeName(uid, name));
  }
}
