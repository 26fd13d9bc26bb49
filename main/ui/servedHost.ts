// The UiHost of browser mode: the one cluster `podlab serve` runs. It cannot
// switch clusters (that would stop the process's own cluster) and does not
// open pages itself (the page is already in a browser).

import type { ClusterStatus } from '../../preload/api.ts';
import type { Cluster } from '../cluster/cluster.ts';
import { engineEndpoint } from '../runtime/docker/engine.ts';
import { BridgeFailure } from './bridgeError.ts';
import { listClusters } from './clusterDirectory.ts';
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

export function servedHost(cluster: Cluster, options: { streams: PodStreams; samplesDir: string; settingsFile: string }): ServedHost {
  const runtime = cluster.settings.runtime;
  const initial: ClusterStatus = {
    mode: 'browser',
    name: cluster.name,
    phase: 'running',
    apiServerUrl: cluster.apiServer.url,
    kubeconfigPath: cluster.paths.kubeconfig,
    runtime,
    docker: { state: runtime === 'docker' ? 'unknown' : 'not-used', endpoint: engineEndpoint() },
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
    clusters: () => listClusters(cluster.name),
    switchCluster: async (name) => {
      throw new BridgeFailure(`browser mode serves only cluster "${cluster.name}": stop this podlab serve (Ctrl-C) and run \`podlab serve --name ${name}\`, or use the desktop app to switch`);
    },
    openExternal: async () => {
      throw new BridgeFailure('in browser mode the page opens links itself');
    },
    settings: new SettingsStore(options.settingsFile),
    samples: new SampleLibrary(options.samplesDir),
    close: () => clearInterval(timer),
  };
}
