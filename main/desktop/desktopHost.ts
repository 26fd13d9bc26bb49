// The desktop app's UiHost: it owns the running cluster, can stop it and
// start another (or the same one with another runtime), reports progress
// while doing so, and checks Docker first so a stopped engine is a clear
// screen with a way forward rather than a failed start.

import { join } from 'node:path';
import type { ClusterStatus } from '../../preload/api.ts';
import { Cluster, type RuntimeKind } from '../cluster/cluster.ts';
import { clusterPaths, defaultDataDir, readJson, writeJsonAtomic } from '../cluster/dataDir.ts';
import { engineEndpoint } from '../runtime/docker/engine.ts';
import { BridgeFailure } from '../ui/bridgeError.ts';
import { listClusters } from '../ui/clusterDirectory.ts';
import { probeDocker } from '../ui/dockerProbe.ts';
import { isLocalServiceUrl } from '../ui/localUrl.ts';
import { podStreamsAvailable, type PodStreams } from '../ui/podStreams.ts';
import { SampleLibrary } from '../ui/samples.ts';
import { SettingsStore } from '../ui/settingsStore.ts';
import { StatusBoard } from '../ui/statusBoard.ts';
import { apiPodStreams, connectionTo, type ClusterConnection, type UiHost } from '../ui/uiHost.ts';

export interface DesktopHostOptions {
  home: string;
  samplesDir: string;
  /** Logs and exec for a started cluster (default: through its API). */
  streams?: (cluster: Cluster) => PodStreams;
  openExternal: (url: string) => Promise<void>;
}

interface DesktopState {
  lastCluster?: string;
}

const steps = 3;

export class DesktopHost implements UiHost {
  readonly status: StatusBoard;
  readonly settings: SettingsStore;
  readonly samples: SampleLibrary;
  private cluster: Cluster | undefined;
  private current: ClusterConnection | undefined;
  private busy: Promise<void> = Promise.resolve();

  constructor(private readonly options: DesktopHostOptions) {
    this.settings = new SettingsStore(join(options.home, 'ui-settings.json'));
    this.samples = new SampleLibrary(options.samplesDir);
    this.status = new StatusBoard({
      mode: 'desktop',
      name: this.lastCluster(),
      phase: 'stopped',
      runtime: 'docker',
      docker: { state: 'unknown', endpoint: engineEndpoint() },
      podStreams: false,
      canSwitch: true,
    });
  }

  private get stateFile(): string {
    return join(this.options.home, 'desktop.json');
  }

  lastCluster(): string {
    return readJson<DesktopState>(this.stateFile)?.lastCluster ?? 'default';
  }

  connection(): ClusterConnection {
    if (!this.current) throw new BridgeFailure(`cluster "${this.status.get().name}" is not running: ${this.status.get().message ?? 'start it from the start screen'}`);
    return this.current;
  }

  clusters() {
    return listClusters(this.status.get().name, this.options.home);
  }

  /** Starts `name` (stopping the current cluster first); one start or stop at a time. */
  start(name: string, runtime?: RuntimeKind): Promise<void> {
    this.busy = this.busy.then(() => this.doStart(name, runtime));
    return this.busy;
  }

  switchCluster(name: string, runtime?: RuntimeKind): Promise<void> {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 40) return Promise.reject(new BridgeFailure(`invalid cluster name "${name}": use lower-case letters, digits and '-'`));
    return this.start(name, runtime);
  }

  async openExternal(url: string): Promise<void> {
    if (!isLocalServiceUrl(url)) throw new BridgeFailure(`PodLab only opens Services on this machine (http://127.0.0.1 or localhost), not ${url}`);
    await this.options.openExternal(url);
  }

  stop(): Promise<void> {
    this.busy = this.busy.then(() => this.doStop());
    return this.busy;
  }

  private async doStop(): Promise<void> {
    if (!this.cluster) return;
    this.status.update({ phase: 'stopping', progress: undefined });
    this.current = undefined;
    const cluster = this.cluster;
    this.cluster = undefined;
    await cluster.stop();
    this.status.update({ phase: 'stopped' });
  }

  private async doStart(name: string, requested?: RuntimeKind): Promise<void> {
    await this.doStop();
    const dataDir = defaultDataDir(name);
    const runtime: RuntimeKind = requested ?? readJson<{ runtime?: RuntimeKind }>(clusterPaths(dataDir).settings)?.runtime ?? 'docker';
    const base: Partial<ClusterStatus> = { name, runtime, message: undefined, apiServerUrl: undefined, kubeconfigPath: undefined };
    this.status.update({ ...base, phase: 'starting', progress: { step: runtime === 'docker' ? 'checking that Docker answers' : 'preparing', done: 0, total: steps } });
    const docker = runtime === 'docker' ? await probeDocker() : ({ state: 'not-used', endpoint: engineEndpoint() } as const);
    if (docker.state === 'unreachable') {
      this.status.update({ phase: 'failed', progress: undefined, docker, message: `Docker does not answer at ${docker.endpoint}, and cluster "${name}" runs its pods in Docker.` });
      return;
    }
    this.status.update({ docker, progress: { step: 'opening the store and starting the API server', done: 1, total: steps } });
    try {
      this.cluster = await Cluster.start({ name, dataDir, runtime, upstreamDns: true });
    } catch (err) {
      this.status.update({ phase: 'failed', progress: undefined, message: `${(err as Error).message}. Check the data directory ${dataDir}, or pick another cluster.` });
      return;
    }
    this.status.update({ progress: { step: 'connecting the UI', done: 2, total: steps } });
    const streams = (this.options.streams ?? apiPodStreams)(this.cluster);
    this.current = connectionTo(this.cluster, streams);
    writeJsonAtomic(this.stateFile, { lastCluster: name } satisfies DesktopState);
    this.status.update({ phase: 'running', progress: undefined, podStreams: podStreamsAvailable(streams), apiServerUrl: this.cluster.apiServer.url, kubeconfigPath: this.cluster.paths.kubeconfig, runtime: this.cluster.settings.runtime });
  }
}
