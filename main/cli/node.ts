// `podlab node add|stop|start|rm NAME`: acts on the cluster's node
// containers in Docker. A running `podlab serve` notices through Docker's
// events: a new or started node gets a kubelet, a stopped one stops
// heartbeating and goes NotReady, a removed one loses its Node object.

import { clusterPaths, readJson } from '../cluster/dataDir.ts';
import { addNode, removeNodeLeftovers } from '../cluster/nodes/dockerNodes.ts';
import { checkCapacity } from '../cluster/nodes/nodeControl.ts';
import { validNodeName, type CapacityChoice } from '../cluster/nodes/nodeLabels.ts';
import { dockerClient } from '../runtime/docker/engine.ts';
import { inspectNodeContainer, nodeContainerName, removeNodeContainer, startNodeContainer, stopNodeContainer } from '../runtime/docker/nodeContainers.ts';
import { CliError, clusterFlags, existingClusterLocation, parseFlags } from './args.ts';

const nodeFlags = {
  ...clusterFlags,
  cpus: { type: 'string' },
  memory: { type: 'string' },
  pods: { type: 'string' },
} as const;

export const nodeUsage = `Usage: podlab node add|stop|start|rm NAME [--name CLUSTER] [--data-dir DIR]
       podlab node add NAME [--cpus N] [--memory QUANTITY] [--pods N]`;

function capacityChoice(values: { cpus?: string; memory?: string; pods?: string }): CapacityChoice {
  try {
    return checkCapacity({ cpu: values.cpus, memory: values.memory, pods: values.pods }, { cpu: '--cpus', memory: '--memory', pods: '--pods' });
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

export async function runNode(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, nodeFlags);
  const [action, node, ...extra] = positionals;
  if (!action || !['add', 'stop', 'start', 'rm'].includes(action) || !node || extra.length > 0) throw new CliError(nodeUsage);
  if (!validNodeName(node)) throw new CliError(`invalid node name "${node}": use lower-case letters, digits and '-', at most 63 characters`);
  if (action !== 'add' && (values.cpus ?? values.memory ?? values.pods) !== undefined) throw new CliError('--cpus, --memory and --pods apply to `podlab node add` only');
  const { name: cluster, dataDir } = existingClusterLocation(values);
  const docker = dockerClient();
  const container = nodeContainerName(cluster, node);
  const existing = await inspectNodeContainer(docker, cluster, node);

  if (action === 'add') {
    if (existing) throw new CliError(`node "${node}" already exists in cluster "${cluster}" (container ${container})`);
    const subnet = readJson<{ subnet?: string }>(clusterPaths(dataDir).settings)?.subnet;
    if (!subnet) throw new CliError(`cluster "${cluster}" has not been started yet: start it with \`podlab serve --name ${cluster}\``);
    await addNode(docker, { cluster, subnet, node, capacity: capacityChoice(values) });
    process.stdout.write(`Node "${node}" added to cluster "${cluster}" (container ${container}).\n`);
    return 0;
  }
  if (!existing) throw new CliError(`cluster "${cluster}" has no node "${node}" (no container ${container})`);
  switch (action) {
    case 'stop':
      await stopNodeContainer(docker, cluster, node);
      process.stdout.write(`Node "${node}" stopped: it goes NotReady and its pods are evicted after their tolerations.\n`);
      break;
    case 'start':
      await startNodeContainer(docker, cluster, node);
      process.stdout.write(`Node "${node}" started.\n`);
      break;
    case 'rm':
      await removeNodeContainer(docker, cluster, node);
      await removeNodeLeftovers(docker, cluster, node);
      process.stdout.write(`Node "${node}" removed from cluster "${cluster}".\n`);
      break;
  }
  return 0;
}
