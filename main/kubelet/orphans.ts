// Housekeeping of what the runtime holds for pods the kubelet does not know:
// a pod deleted while PodLab was not running, or one that is not bound to
// this node. Its containers and sandboxes are removed (HandlePodCleanups).
// Pods the kubelet knows are never touched here: their workers re-adopt
// their running containers.

import { LABEL_POD_UID, type Runtime } from '../runtime/runtime.ts';

/** Removes every container and sandbox whose pod uid `isKnown` rejects; returns the uids cleaned up. */
export async function removeOrphans(runtime: Runtime, isKnown: (uid: string) => boolean): Promise<string[]> {
  const [containers, sandboxes] = await Promise.all([runtime.listContainers(), runtime.listPodSandboxes()]);
  const orphaned = new Set<string>();
  for (const container of containers) {
    const uid = container.labels[LABEL_POD_UID] ?? '';
    if (isKnown(uid)) continue;
    orphaned.add(uid);
    await runtime.removeContainer(container.id);
  }
  for (const sandbox of sandboxes) {
    const uid = sandbox.labels[LABEL_POD_UID] ?? sandbox.metadata.uid;
    if (isKnown(uid)) continue;
    orphaned.add(uid);
    await runtime.removePodSandbox(sandbox.id);
  }
  return [...orphaned];
}
