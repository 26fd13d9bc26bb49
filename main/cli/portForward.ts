// `podlab port-forward (pod|svc|deploy)/NAME [LOCAL:]REMOTE... [-n NS]`:
// forwards 127.0.0.1 ports to a pod of a running `podlab serve`, printing
// what kubectl port-forward prints. The command reads the target through the
// cluster's API with its kubeconfig and reaches the pod through Docker (the
// pod's published port, or the cluster add-on's tunnel for ports the pod does
// not declare), so it runs where the cluster's Docker engine is. A forward to
// a Service or Deployment follows it to a new pod when its pod is replaced.

import { clusterPaths } from '../cluster/dataDir.ts';
import { readerFromKubeconfig } from '../network/portforward/objectReader.ts';
import { ForwardError, parsePorts } from '../network/portforward/forwardTarget.ts';
import { startPortForward, type PortForward } from '../network/portforward/portForward.ts';
import { CliError, clusterFlags, existingClusterLocation, parseFlags } from './args.ts';

const portForwardFlags = {
  ...clusterFlags,
  namespace: { type: 'string', short: 'n' },
} as const;

export const portForwardUsage = 'Usage: podlab port-forward (pod|svc|deploy)/NAME [LOCAL:]REMOTE... [-n NAMESPACE] [--name CLUSTER] [--data-dir DIR]';

export async function runPortForward(args: string[]): Promise<undefined> {
  const { values, positionals } = parseFlags(args, portForwardFlags);
  const [target, ...ports] = positionals;
  if (!target || ports.length === 0) throw new CliError(portForwardUsage);
  const { name: cluster, dataDir } = existingClusterLocation(values);
  const namespace = values.namespace ?? 'default';
  const reader = readerFromKubeconfig(clusterPaths(dataDir).kubeconfig);
  const forwards: PortForward[] = [];
  try {
    for (const ports of positionals.slice(1)) {
      const remote = parsePorts(ports).remote;
      const forward = await startPortForward({ cluster, reader }, target, ports, {
        namespace,
        onConnection: () => process.stdout.write(`Handling connection for ${forward.localPort}\n`),
        onError: (error) => process.stderr.write(`error: ${error.message}\n`),
      });
      forwards.push(forward);
      process.stdout.write(`Forwarding from 127.0.0.1:${forward.localPort} -> ${remote}\n`);
    }
  } catch (error) {
    await Promise.all(forwards.map((f) => f.stop()));
    if (error instanceof ForwardError) throw new CliError(error.message);
    throw error;
  }
  const stop = () => {
    void Promise.all(forwards.map((f) => f.stop())).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return undefined;
}
