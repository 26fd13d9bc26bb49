// The app's UiHost (the desktop window, or `podlab ui` in a browser): it
// owns the running cluster, can stop it and start, create or delete another,
// reports progress while doing so, and asks whether Docker answers, so a
// stopped engine is a clear screen with a way forward rather than a failed
// start: before a new cluster is made, and while one that ran before opens
// its store and starts its API server (no engine call comes before the answer).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterStatus, NewCluster } from '../../preload/api.ts';
import { Cluster, type RuntimeKind } from '../cluster/cluster.ts';
import { clusterPaths, readJson, writeJsonAtomic } from '../cluster/dataDir.ts';
import { RegistryCredentials } from '../cluster/registryCredentials.ts';
import { engineEndpoint } from '../runtime/docker/engine.ts';
import { BridgeFailure, statusFailure } from './bridgeError.ts';
import { checkClusterName, clusterDataDir, deleteOtherCluster } from './clusterActions.ts';
import { listClusters } from './clusterDirectory.ts';
import { probeDocker } from './dockerProbe.ts';
import { isLocalServiceUrl } from './localUrl.ts';
import { podStreamsAvailable, type PodStreams } from './podStreams.ts';
import { SampleLibrary } from './samples.ts';
import { SettingsStore } from './settingsStore.ts';
import { StatusBoard } from './statusBoard.ts';
import { apiPodStreams, connectionTo, type ClusterConnection, type UiHost } from './uiHost.ts';

export interface ClusterHostOptions {
  mode: ClusterStatus['mode'];
  /** $PODLAB_HOME: the clusters, the UI settings, the registry logins. */
  home: string;
  samplesDir: string;
  /** Logs and exec for a started cluster (default: through its API). */
  streams?: (cluster: Cluster) => PodStreams;
  /** Opens a local Service URL in the system browser; absent in browser mode, where the page opens links itself. */
  openExternal?: (url: string) => Promise<void>;
  /** Whether pods may resolve names outside the cluster (the app: yes; tests: no). */
  upstreamDns?: boolean;
}

interface AppState {
  lastCluster?: string;
}

const steps = 3;

export class ClusterHost implements UiHost {
  readonly status: StatusBoard;
  readonly settings: SettingsStore;
  readonly samples: SampleLibrary;
  readonly registries: RegistryCredentials;
  private cluster: Cluster | undefined;
  private current: ClusterConnection | undefined;
  private busy: Promise<void> = Promise.resolve();
  /** DOCKER_HOST as the process got it: the Docker endpoint setting overrides it only while set. */
  private readonly inheritedDockerHost = process.env.DOCKER_HOST;

  constructor(private readonly options: ClusterHostOptions) {
    this.settings = new SettingsStore(join(options.home, 'ui-settings.json'));
    this.samples = new SampleLibrary(options.samplesDir);
    this.registries = new RegistryCredentials(join(options.home, 'registry-auth.json'));
    this.status = new StatusBoard({
      mode: options.mode,
      name: this.lastCluster(),
      phase: 'stopped',
      runtime: 'docker',
      docker: { state: 'unknown', endpoint: engineEndpoint() },
      home: options.home,
      podStreams: false,
      canSwitch: true,
    });
  }

  private get stateFile(): string {
    return join(this.options.home, 'desktop.json');
  }

  lastCluster(): string {
    return readJson<AppState>(this.stateFile)?.lastCluster ?? 'default';
  }

  connection(): ClusterConnection {
    if (!this.current) throw new BridgeFailure(`cluster "${this.status.get().name}" is not running: ${this.status.get().message ?? 'start it from the start screen'}`);
    return this.current;
  }

  clusters() {
    const status = this.status.get();
    return listClusters({ name: status.name, running: status.phase === 'running' }, this.options.home);
  }

  /** Starts `name` (stopping the current cluster first); one start or stop at a time. */
  start(name: string, runtime?: RuntimeKind, nodes?: number): Promise<void> {
    this.busy = this.busy.then(() => this.doStart(name, runtime, nodes));
    return this.busy;
  }

  async switchCluster(name: string, runtime?: RuntimeKind): Promise<void> {
    checkClusterName(name);
    return this.start(name, runtime);
  }

  async createCluster(spec: NewCluster): Promise<void> {
    checkClusterName(spec.name);
    if (existsSync(clusterDataDir(this.options.home, spec.name))) throw statusFailure(409, 'AlreadyExists', `cluster "${spec.name}" already exists: switch to it, or delete it first`);
    return this.start(spec.name, spec.runtime ?? 'docker', spec.nodes ?? 1);
  }

  async deleteCluster(name: string): Promise<void> {
    checkClusterName(name);
    if (name === this.status.get().name) throw statusFailure(409, 'Conflict', `cluster "${name}" is the one shown: switch to another cluster first, then delete it`);
    await deleteOtherCluster(this.options.home, name);
  }

  async openExternal(url: string): Promise<void> {
    if (!this.options.openExternal) throw new BridgeFailure('in browser mode the page opens links itself');
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

  /** The Docker endpoint setting, applied process-wide: every Docker client PodLab makes reads DOCKER_HOST, as the docker CLI does. */
  private applyDockerEndpoint(): void {
    const endpoint = this.settings.get().dockerEndpoint;
    if (endpoint) process.env.DOCKER_HOST = endpoint;
    else if (this.inheritedDockerHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = this.inheritedDockerHost;
  }

  private async doStart(name: string, requested?: RuntimeKind, nodes?: number): Promise<void> {
    await this.doStop();
    this.applyDockerEndpoint();
    const dataDir = clusterDataDir(this.options.home, name);
    const recorded = readJson<{ runtime?: RuntimeKind }>(clusterPaths(dataDir).settings)?.runtime;
    const runtime: RuntimeKind = requested ?? recorded ?? 'docker';
    const base: Partial<ClusterStatus> = { name, runtime, message: undefined, apiServerUrl: undefined, kubeconfigPath: undefined, dataDir };
    this.status.update({ ...base, phase: 'starting', progress: { step: runtime === 'docker' ? 'checking that Docker answers' : 'preparing', done: 0, total: steps } });
    const probing = runtime === 'docker' ? probeDocker() : Promise.resolve({ state: 'not-used', endpoint: engineEndpoint() } as const);
    const engineFailed = (docker: ClusterStatus['docker']) => this.status.update({ phase: 'failed', progress: undefined, docker, message: `Docker does not answer at ${docker.endpoint}, and cluster "${name}" runs its pods in Docker.` });
    // A new cluster is made only once the engine answers: nothing is written for one that cannot run. One that ran
    // before opens its store and starts its API server meanwhile (Cluster.start makes no engine call before the answer):
    // loading the engine's client and its answer took ~0.1 s, which came before them and so before the window's pods.
    if (recorded === undefined) {
      const docker = await probing;
      if (docker.state === 'unreachable') return engineFailed(docker);
    }
    const engineAnswers = probing.then((docker) => {
      if (docker.state === 'unreachable') throw new Error(docker.message ?? `Docker does not answer at ${docker.endpoint}`);
      this.status.update({ docker, progress: { step: 'opening the store and starting the API server', done: 1, total: steps } });
    });
    engineAnswers.catch(() => undefined);
    const pauseImage = this.settings.get().pauseImage;
    // The workspace opens as soon as the API serves: the pods of a restarted cluster show while its nodes start.
    const onServing = (cluster: Cluster) => {
      this.current = connectionTo(cluster, (this.options.streams ?? apiPodStreams)(cluster));
      this.status.update({ phase: 'running', progress: { step: 'starting the nodes', done: 2, total: steps }, apiServerUrl: cluster.apiServer.url, kubeconfigPath: cluster.paths.kubeconfig, runtime: cluster.settings.runtime });
    };
    try {
      this.cluster = await Cluster.start({
        name,
        dataDir,
        runtime,
        upstreamDns: this.options.upstreamDns ?? true,
        registryCredentials: this.registries,
        onServing,
        engineAnswers,
        ...(nodes !== undefined ? { nodes } : {}),
        ...(pauseImage ? { pauseImage } : {}),
      });
    } catch (err) {
      this.current = undefined;
      const docker = await probing;
      if (docker.state === 'unreachable') return engineFailed(docker);
      this.status.update({ phase: 'failed', progress: undefined, podStreams: false, apiServerUrl: undefined, kubeconfigPath: undefined, message: `${(err as Error).message}. Check the data directory ${dataDir}, or pick another cluster.` });
      return;
    }
    writeJsonAtomic(this.stateFile, { lastCluster: name } satisfies AppState);
    // onServing made the connection before Cluster.start could resolve.
    this.status.update({ phase: 'running', progress: undefined, podStreams: podStreamsAvailable(this.current!.streams) });
  }
}
