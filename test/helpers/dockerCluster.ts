// What a test of a whole cluster on the real Docker engine needs: a subnet no
// network on the engine uses yet, chosen at random so test files starting
// clusters side by side do not race for the same one (PodLab itself takes
// the first free one), and removing everything the cluster left on the
// engine, even after a failure.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { removeClusterObjects as removeFromEngine } from '../../main/cluster/deleteCluster.ts';
import { overlaps } from '../../main/cluster/subnet.ts';
import { LABEL_CLUSTER, LABEL_POD_UID } from '../../main/runtime/runtime.ts';
import { eventually } from './eventually.ts';
import { kubectlOk } from './kubectl.ts';

const docker = new Docker();

/**
 * A /16 in 10.100-199 that overlaps no network the engine has. (Tests' single
 * networks take /24s in 10.200-249, so the two never race for one range.)
 */
export async function freeSubnet(engine: Docker = docker): Promise<string> {
  const used = (await engine.listNetworks()).flatMap((network) => (network.IPAM?.Config ?? []).map((config) => config.Subnet ?? ''));
  const free = Array.from({ length: 100 }, (_, i) => `10.${100 + i}.0.0/16`).filter((candidate) => !used.some((subnet) => overlaps(subnet, candidate)));
  if (free.length === 0) throw new Error('no free 10.100-199.0.0/16 on this Docker engine for a test cluster');
  return free[Math.floor(Math.random() * free.length)]!;
}

/** Makes the cluster in `dataDir` start on a free subnet (cluster.json is where it remembers its subnet). */
export async function reserveSubnet(dataDir: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'cluster.json'), JSON.stringify({ subnet: await freeSubnet() }));
}

/** Containers, volumes and the network `podlab-<cluster>`: everything labeled with the cluster. */
export function removeClusterObjects(cluster: string): Promise<void> {
  return removeFromEngine(docker, cluster);
}

/** One pod's containers on the engine, as `docker ps -a --filter label=podlab.cluster=NAME` shows them. */
export interface PodOnEngine {
  /** Running sandboxes and app containers, by id. */
  running: string[];
  /** Every container labeled with the pod, running or not. */
  all: number;
}

/** The cluster's pod containers grouped by the pod uid they carry (node and add-on containers left out). */
export async function podsOnEngine(cluster: string): Promise<Map<string, PodOnEngine>> {
  const containers = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${LABEL_CLUSTER}=${cluster}`, LABEL_POD_UID] }) });
  const pods = new Map<string, PodOnEngine>();
  for (const c of containers) {
    const uid = c.Labels[LABEL_POD_UID]!;
    const pod = pods.get(uid) ?? { running: [], all: 0 };
    pod.all++;
    if (c.State === 'running') pod.running.push(c.Id);
    pods.set(uid, pod);
  }
  for (const pod of pods.values()) pod.running.sort();
  return pods;
}

/**
 * What Kubernetes' kubelet keeps for the given pods (uid → number of app
 * containers): one running sandbox and one running container each, and
 * nothing for any other pod. Returns the engine's pods when it holds exactly
 * that, or a description of the difference.
 */
export async function enginePodsMatch(cluster: string, pods: Map<string, number>): Promise<{ ok: true; engine: Map<string, PodOnEngine> } | { ok: false; why: string }> {
  const engine = await podsOnEngine(cluster);
  const orphans = [...engine.keys()].filter((uid) => !pods.has(uid));
  if (orphans.length) return { ok: false, why: `containers of pods that no longer exist: ${orphans.join(', ')}` };
  for (const [uid, apps] of pods) {
    const held = engine.get(uid);
    if (held?.running.length !== apps + 1 || held.all !== apps + 1) return { ok: false, why: `pod ${uid}: ${held?.running.length ?? 0} running of ${held?.all ?? 0} containers, expected ${apps + 1} (sandbox and ${apps})` };
  }
  return { ok: true, engine };
}

export interface ApiPod {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  status?: { phase?: string; conditions?: Array<{ type: string; status: string }>; containerStatuses?: Array<{ name: string; restartCount: number }> };
}

/**
 * Waits until the cluster has `count` pods in the default namespace, every one
 * Running and Ready and none terminating, and the engine holds exactly their
 * containers (one app container each): no duplicate, no orphan.
 */
export function podsSettled(kubeconfig: string, cluster: string, count: number, timeoutMs = 180_000): Promise<{ pods: ApiPod[]; engine: Map<string, PodOnEngine> }> {
  return eventually(
    `${count} pods Running and Ready with exactly their containers on the engine`,
    async () => {
      const pods = JSON.parse(await kubectlOk(kubeconfig, ['get', 'pods', '-o', 'json'])).items as ApiPod[];
      const ready = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      if (pods.length !== count || ready.length !== count) throw new Error(`${ready.length} of ${pods.length} pods Running and Ready`);
      const match = await enginePodsMatch(cluster, new Map(pods.map((p) => [p.metadata.uid, 1])));
      if (!match.ok) throw new Error(match.why);
      return { pods, engine: match.engine };
    },
    timeoutMs,
    500,
  );
}
