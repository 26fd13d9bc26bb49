// Where the local-path provisioner keeps a volume's data: a runtime volume
// made through the runtime of the node it was provisioned for. On Docker
// that is a named volume labelled with the cluster (the runtime adds the
// placement labels), rather than a bind mount of a directory under the data
// directory: the engine keeps it across node container stops and PodLab
// restarts just as well, it works where the engine does not share the host's
// filesystem (Docker Desktop, a remote engine), and `podlab cluster delete`
// removes it with the cluster's other labelled objects even when pods wrote
// root-owned files into it, which a non-root PodLab could not delete from a
// host directory. On the simulated runtime the volume is only recorded.

import type { LocalPathStorage } from '../../controllers/volume/localPath.ts';
import type { Runtime } from '../../runtime/runtime.ts';

export function nodeRuntimeStorage(nodes: { runtimeFor(node: string): Runtime | undefined }): LocalPathStorage {
  const runtime = (node: string) => {
    const found = nodes.runtimeFor(node);
    if (!found) throw new Error(`node "${node}" has no runtime in this PodLab process`);
    return found;
  };
  return {
    create: (name, node) => runtime(node).createVolume({ name, labels: { 'io.podlab.local-path': 'true' } }),
    remove: (name, node) => runtime(node).removeVolume(name),
  };
}
