// The UiHost of `podlab serve`: the one cluster the process runs. It cannot
// switch to or create another (that would stop the cluster the command line
// started; `podlab ui` can), can delete clusters no process runs, and does
// not open pages itself (the page is already in a browser).

import { join } from 'node:path';
import type { ClusterStatus } from '../../preload/api.ts';
import type { Cluster } from '../cluster/cluster.ts';
import { engineEndpoint } from '../runtime/docker/engine.ts';
import { BridgeFailure } from './bridgeError.ts';
import { podlabHome } from '../cluster/dataDir.ts';
import { RegistryCredentials } from '../cluster/registryCredentials.ts';
import { checkClusterName, deleteOtherCluster } from './clusterActions.ts';
import { listClusters } from './clusterDirectory.ts';
import { statusFailure } from './bridgeError.ts';
import { probeDocker } from './dockerProbe.ts';
import { podStreamsAvailable, type PodStreams } from './podStreams.ts';
import { SampleLibrary } from './samples.ts';
import { SettingsStore } from './settingsStore.ts';
import { StatusBoard } from './statusBoard.ts';
import { connectionTo, type UiHost } from './uiHost.ts';

const dockerProbeMs = 15_000;

export interface ServedHost extends UiHost {
  close(): void;
}

export function servedHost(cluster: Cluster, options: { streams: PodStreams; samplesDir: string; home?: string }): ServedHost {
  const home = options.home ?? podlabHome();
  const runtime = cluster.settings.runtime;
  const initial: ClusterStatus = {
    mode: 'browser',
    name: cluster.name,
    phase: 'running',
    apiServerUrl: cluster.apiServer.url,
    kubeconfigPath: cluster.paths.kubeconfig,
    runtime,
    docker: { state: runtime === 'docker' ? 'unknown' : 'not-used', endpoint: engineEndpoint() },
    home,
    dataDir: cluster.paths.dataDir,
    podStreams: podStreamsAvailable(options.streams),
    canSwitch: false,
  };
  const status = new StatusBoard(initial);
  const connection = connectionTo(cluster, options.streams);
  let timer: NodeJS.Timeout | undefined;
  if (runtime === 'docker') {
    const probe = async () => status.update({ docker: await probeDocker() });
    void probe();
    timer = setInterval(() => void probe(), dockerProbeMs);
    timer.unref();
  }
  return {
    connection: () => connection,
    status,
    clusters: () => listClusters({ name: cluster.name, running: true, dataDir: cluster.paths.dataDir }, home),
    switchCluster: async (name) => {
      throw new BridgeFailure(`podlab serve runs only cluster "${cluster.name}": stop it (Ctrl-C) and run \`podlab serve --name ${name}\`, or use \`podlab ui\` or the desktop app, which switch clusters`);
    },
    createCluster: async ({ name }) => {
      throw new BridgeFailure(`podlab serve runs only cluster "${cluster.name}": create "${name}" with \`podlab serve --name ${name}\` in another shell, or use \`podlab ui\` or the desktop app, which create clusters`);
    },
    deleteCluster: async (name) => {
      checkClusterName(name);
      if (name === cluster.name) throw statusFailure(409, 'Conflict', `cluster "${name}" is the one this podlab serve runs: stop it (Ctrl-C), then delete it with \`podlab cluster delete ${name}\``);
      await deleteOtherCluster(home, name);
    },
    openExternal: async () => {
      throw new BridgeFailure('in browser mode the page opens links itself');
    },
    settings: new SettingsStore(join(home, 'ui-settings.json')),
    samples: new SampleLibrary(options.samplesDir),
    registries: new RegistryCredentials(join(home, 'registry-auth.json')),
    close: () => clearInterval(timer),
  };
}
