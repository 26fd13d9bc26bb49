// subPath into an engine volume (an emptyDir, a local-path claim). The kubelet
// makes a missing subPath directory and never follows a symlink out of the
// volume (CVE-2017-1002101): a container may have planted one. Where this
// process can reach the volume's directory (a local engine, as root), it does
// the same — walks the path without following symlinks, makes what is
// missing — and bind-mounts the result. Elsewhere (Docker Desktop, a rootless
// user) the engine's own volume subpath (API 1.45, Docker 26) mounts it
// safely; older engines cannot express it and the container fails to start.

import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { RuntimeError, type Mount } from '../runtime.ts';
import { engineCall } from './engine.ts';

/** The first Engine API with Mount.VolumeOptions.Subpath. */
const subpathApiVersion = [1, 45];

function apiAtLeast(version: string, wanted: number[]): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > wanted[0]! || (major === wanted[0] && minor >= wanted[1]!);
}

function reachable(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** SafeMakeDir + the subpath walk: the path inside `root`, made when missing, refusing symlinks. */
export function prepareSubPath(root: string, subPath: string, volume: string): string {
  const mode = statSync(root).mode & 0o7777;
  const parts = subPath.split('/').filter((p) => p !== '' && p !== '.');
  let current = root;
  parts.forEach((part, i) => {
    current = join(current, part);
    let stat;
    try {
      stat = lstatSync(current);
    } catch {
      mkdirSync(current, { mode });
      return;
    }
    if (stat.isSymbolicLink()) throw new RuntimeError(`subpath "${subPath}" of volume "${volume}": "${parts.slice(0, i + 1).join('/')}" is a symlink, which is not followed out of the volume`);
    // The last component may be a file (a file subPath); anything above it must be a directory.
    if (i < parts.length - 1 && !stat.isDirectory()) throw new RuntimeError(`subpath "${subPath}" of volume "${volume}": "${parts.slice(0, i + 1).join('/')}" is not a directory`);
  });
  return current;
}

/** The mounts with every volume subPath resolved to what the engine can mount. */
export async function resolveVolumeSubPaths(docker: Docker, mounts: Mount[], apiVersion: () => Promise<string>): Promise<Mount[]> {
  const out: Mount[] = [];
  for (const mount of mounts) {
    const source = mount.source;
    if (source.type !== 'volume' || !source.subPath) {
      out.push(mount);
      continue;
    }
    const info = await engineCall(`inspect volume ${source.name}`, () => docker.getVolume(source.name).inspect());
    if (reachable(info.Mountpoint)) {
      out.push({ ...mount, source: { type: 'hostPath', path: prepareSubPath(info.Mountpoint, source.subPath, source.name) } });
    } else if (apiAtLeast(await apiVersion(), subpathApiVersion)) {
      out.push(mount);
    } else {
      throw new RuntimeError(`subPath "${source.subPath}" into volume "${source.name}" needs Docker Engine API ${subpathApiVersion.join('.')} (Docker 26) or a volume directory this process can reach`);
    }
  }
  return out;
}
