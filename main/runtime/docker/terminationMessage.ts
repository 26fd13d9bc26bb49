// A container's termination message, as Kubernetes' runtimes return it: the
// kubelet bind-mounts a file of its own at the container's
// terminationMessagePath; once the container has exited, what it wrote there
// (at most 4096 bytes) becomes the message of its terminated state.

import { closeSync, openSync, readSync } from 'node:fs';
import type Docker from 'dockerode';
import { MAX_TERMINATION_MESSAGE_BYTES } from '../runtime.ts';

export function readTerminationMessage(info: Docker.ContainerInspectInfo, containerPath: string | undefined): string | undefined {
  if (!containerPath) return undefined;
  const mount = (info.Mounts ?? []).find((m) => m.Destination === containerPath && m.Type === 'bind');
  if (!mount?.Source) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(mount.Source, 'r');
    const buffer = Buffer.alloc(MAX_TERMINATION_MESSAGE_BYTES);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return read > 0 ? buffer.subarray(0, read).toString('utf8') : undefined;
  } catch {
    // The file went with the pod's directory: no message, as when nothing was written.
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
