// What the Docker engine itself takes for what a new 2-node cluster asks of it
// first: a bridge network, then two pause containers created and started side
// by side, straight through the engine's API (no PodLab). Timed in turn with
// the new-cluster runs, so the start figure can be read against the engine's
// speed at that moment (on this VM it varies by a third within the hour).

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { freeSubnet } from '../helpers/dockerCluster.ts';
import { DEFAULT_PAUSE_IMAGE } from '../../main/runtime/docker/defaults.ts';
import { dockerClient } from '../../main/runtime/docker/engine.ts';

/** Milliseconds from the network's create to both containers started; everything made is removed after. */
export async function engineBaselineMs(): Promise<number> {
  const docker = dockerClient();
  const name = `podlab-bench-engine-${randomBytes(3).toString('hex')}`;
  const subnet = await freeSubnet(docker);
  const containers = [`${name}-1`, `${name}-2`];
  const t0 = performance.now();
  try {
    await docker.createNetwork({ Name: name, Driver: 'bridge', CheckDuplicate: true, IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] } });
    await Promise.all(
      containers.map(async (container) => {
        const created = await docker.createContainer({ name: container, Image: DEFAULT_PAUSE_IMAGE, HostConfig: { NetworkMode: name, IpcMode: 'shareable' } });
        await created.start();
      }),
    );
    return performance.now() - t0;
  } finally {
    for (const container of containers) await docker.getContainer(container).remove({ force: true }).catch(() => undefined);
    await docker.getNetwork(name).remove().catch(() => undefined);
  }
}
