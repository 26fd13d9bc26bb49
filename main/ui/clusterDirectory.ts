// The clusters this user has (one directory each under $PODLAB_HOME/clusters)
// and whether a PodLab process runs each: what the cluster switcher lists.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSummary, RuntimeKind } from '../../preload/api.ts';
import { clusterPaths, lockHolder, podlabHome, readJson } from '../cluster/dataDir.ts';

/**
 * `current` is the cluster this process shows (running or starting, so it is
 * listed even before its directory exists); `currentDataDir` is where it
 * lives when that is not under the home (`podlab serve --data-dir`).
 */
export function listClusters(current: { name: string; running: boolean; dataDir?: string } | undefined, home = podlabHome()): ClusterSummary[] {
  const dir = join(home, 'clusters');
  const names = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];
  if (current && !names.includes(current.name)) names.push(current.name);
  return names.sort().map((name) => {
    const isCurrent = name === current?.name;
    const dataDir = isCurrent && current?.dataDir ? current.dataDir : join(dir, name);
    const paths = clusterPaths(dataDir);
    let runtime: RuntimeKind | undefined;
    try {
      runtime = readJson<{ runtime?: RuntimeKind }>(paths.settings)?.runtime;
    } catch {
      // A settings file being rewritten right now: the runtime shows on the next refresh.
    }
    return { name, current: isCurrent, dataDir, runtime, running: current && isCurrent ? current.running : lockHolder(paths) !== undefined };
  });
}
