// A new engine volume made 0777, as the kubelet makes an emptyDir directory
// (pkg/volume/emptydir: `perm os.FileMode = 0777`) and local-path-provisioner
// a claim's: a container running as any user (runAsUser: 1000, as Pod
// Security "restricted" asks) can write to it. Docker makes a volume's
// directory root 0755 and offers no option to change it, so the mode is set
// through the engine itself, which works where the host cannot reach the
// volume's directory (Docker Desktop, a remote engine): a container that
// mounts the volume is created, never started, and its archive API unpacks
// one directory entry onto the mount point, which applies that entry's mode.

import type Docker from 'dockerode';
import { packTar } from '../../network/tarArchive.ts';
import { engineCall, engineCallIdempotent } from './engine.ts';
import { ensureImagePresent } from './images.ts';

const MOUNT_POINT = 'volume';

/** `image`: any image present on the engine (the pause image); nothing of it runs. */
export async function openVolumeToAll(docker: Docker, volume: string, image: string, labels: Record<string, string>): Promise<void> {
  await ensureImagePresent(docker, image);
  const helper = await engineCall(`create a container to set the mode of volume ${volume}`, () =>
    docker.createContainer({ Image: image, Labels: labels, NetworkDisabled: true, HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: volume, Target: `/${MOUNT_POINT}` }] } }),
  );
  try {
    await engineCall(`set the mode of volume ${volume}`, () => helper.putArchive(packTar([{ name: `${MOUNT_POINT}/`, mode: 0o777 }]), { path: '/' }));
  } finally {
    await engineCallIdempotent(`remove the container that set the mode of volume ${volume}`, () => helper.remove({ force: true }), [404]);
  }
}
