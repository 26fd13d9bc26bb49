// `podlab kubeconfig`: prints the kubeconfig of a cluster that has run at least once.

import { existsSync, readFileSync } from 'node:fs';
import { clusterPaths } from '../cluster/dataDir.ts';
import { CliError, clusterFlags, clusterLocation, parseFlags } from './args.ts';

export async function runKubeconfig(args: string[]): Promise<number> {
  const { values } = parseFlags(args, clusterFlags);
  const { name, dataDir } = clusterLocation(values);
  const path = clusterPaths(dataDir).kubeconfig;
  if (!existsSync(path)) throw new CliError(`cluster "${name}" has no kubeconfig yet (${path}): start it with \`podlab serve --name ${name}\``);
  process.stdout.write(readFileSync(path, 'utf8'));
  return 0;
}
