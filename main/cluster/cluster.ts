// One cluster: its store, API server and, on top of them, the components that
// are clients of that API (scheduler, controllers, kubelets). Starting it
// means: lock the data directory, open the store, serve the API on 127.0.0.1,
// make sure the system namespaces and the default RBAC policy exist, write
// the kubeconfig, then start the components.

import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FeatureGates } from '../apiserver/featureGates.ts';
import { StartupPhases } from './startupPhases.ts';
import { createServer } from 'node:net';
import { ApiServer } from '../apiserver/apiServer.ts';
import { componentUser } from '../apiserver/auth/user.ts';
import { EventRecorder } from '../kube/client/eventRecorder.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import type { KubeClient } from '../kube/client/types.ts';
import { createSchemaServices } from '../apiserver/openapi/schemaServices.ts';
import { allResources } from '../apiserver/resources/index.ts';
import { openStore, startCompactor } from '../store/index.ts';
import type { Store } from '../store/store.ts';
import { keepAPIServicesSynced } from './apiServiceRegistration.ts';
import { ensureKubernetesService, ensureStandardStorageClass, ensureSystemNamespaces, ensureSystemPriorityClasses } from './bootstrap.ts';
import { ensureBootstrapPolicy } from './bootstrapPolicy.ts';
import { chooseSubnet, engineSubnets, subnetsInUse } from './subnet.ts';
import { dockerClient } from '../runtime/docker/engine.ts';
import { nodeRuntimeStorage } from './nodes/localPathStorage.ts';
import { ensureClusterNetwork, planAddresses } from '../network/clusterNetwork.ts';
import { beginNetworking, DOCKER_EMBEDDED_DNS } from '../network/networking.ts';
import { acquireLock, ensureDataDir, loadOrCreateAdminToken, readJson, rememberDataDir, writeJsonAtomic, type ClusterPaths } from './dataDir.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { loadOrCreatePki, loadSigningCa } from './pki.ts';
import { addInitialNodes } from './nodes/dockerNodes.ts';
import { RegistryCredentials } from './registryCredentials.ts';
import { ServiceRange } from '../apiserver/admission/serviceAllocation.ts';
import type { NodeControl } from './nodes/nodeControl.ts';
import { NodeManager } from './nodes/nodeManager.ts';
import { UsageCollector } from '../metrics/usageCollector.ts';
import { kubeletConnector } from '../kubelet/server/kubeletApi.ts';
import { realClock } from '../kube/clock.ts';
import { serveMetricsApi } from '../metrics/metricsApi.ts';
import { serveComponentStatuses } from '../apiserver/componentStatuses.ts';
import { installPodStreaming } from '../kubelet/streaming/podStreams.ts';
import { ControllerManager } from '../controllers/controllerManager.ts';
import { servedResources } from '../controllers/shared/resources.ts';

export type RuntimeKind = 'docker' | 'simulated';

export interface ClusterOptions {
  name: string;
  /** Kubernetes feature gates (`podlab serve --feature-gates`); absent ones keep 1.32's defaults. */
  featureGates?: Partial<FeatureGates>;
  dataDir: string;
  /** 0 or absent: the port used last time if it is free, else any free port. */
  apiPort?: number;
  nodes?: number;
  runtime?: RuntimeKind;
  /** `sqlite` (default) or `etcd://HOST:PORT`. */
  store?: string;
  pauseImage?: string;
  /**
   * Whether pods resolve names outside cluster.local (through Docker's embedded
   * resolver, as on any cluster). Off: those names get NXDOMAIN and no DNS query
   * leaves the machine (tests run so). Default off for the library; the CLI and
   * the desktop app turn it on.
   */
  upstreamDns?: boolean;
  /** Registry logins for the kubelets (default: $PODLAB_HOME/registry-auth.json). */
  registryCredentials?: RegistryCredentials;
  /**
   * Called once the API serves the cluster's objects, before its nodes and controllers start (the longer
   * part of a restart): a UI can show them at once, as kubectl could. A start that fails later stops it.
   */
  onServing?: (cluster: Cluster) => void;
  /**
   * Settles once the caller has asked the Docker engine whether it answers, rejecting when it does not (the app's
   * start screen asks, to say so plainly). No engine call is made before it settles, and onServing waits for it;
   * meanwhile the store opens and the API server starts, which need no engine.
   */
  engineAnswers?: Promise<unknown>;
}

/** What is remembered between starts of the same cluster. */
interface ClusterSettings {
  name: string;
  apiPort: number;
  store: string;
  runtime: RuntimeKind;
  nodes: number;
  /** The cluster network: pods in its lower half, Service ClusterIPs in its upper half. */
  subnet: string;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Something the cluster runs on top of its API server, stopped in reverse order of start. */
export interface ClusterComponent {
  readonly name: string;
  stop(): Promise<void> | void;
}

export class Cluster {
  private stopped = false;
  private readonly components: ClusterComponent[] = [];
  private nodes: NodeManager | undefined;
  /** Settles once the start has started the nodes, or has failed (a UI opens before: ClusterOptions.onServing). */
  private readonly nodesStarted: Promise<NodeControl>;
  private settleNodes!: { resolve(nodes: NodeControl): void; reject(err: unknown): void };
  /** How long each step of the start took. */
  startup: StartupPhases | undefined;

  private constructor(
    readonly name: string,
    readonly paths: ClusterPaths,
    readonly store: Store,
    readonly apiServer: ApiServer,
    readonly settings: ClusterSettings,
    private readonly releaseLock: () => void,
  ) {
    this.nodesStarted = new Promise((resolve, reject) => (this.settleNodes = { resolve, reject }));
    // A start can fail with nobody waiting for the nodes.
    this.nodesStarted.catch(() => undefined);
  }

  /** Registers a started component so `stop()` stops it (last started, first stopped). */
  own(component: ClusterComponent): void {
    this.components.push(component);
  }

  /** Whether a component of that name was started and not yet stopped. */
  runs(name: string): boolean {
    return this.components.some((component) => component.name === name);
  }

  /** The cluster's own components, each a client of the API as kube components are. */
  private async startComponents(): Promise<void> {
    // kube-apiserver compacts every 5 minutes; older revisions then answer 410 Gone and clients relist.
    this.own({ name: 'compactor', stop: startCompactor(this.store, { intervalMs: 5 * 60_000, keepRevisions: 1000 }) });
    const schedulerClient = this.client('system:kube-scheduler');
    const schedulerEvents = new EventRecorder(schedulerClient, { component: 'default-scheduler' });
    const scheduler = new Scheduler(schedulerClient, { recordEvent: (pod, type, reason, message) => schedulerEvents.event(pod, type, reason, message), journeys: this.apiServer.journeys });
    await scheduler.start();
    this.own({ name: 'scheduler', stop: () => scheduler.stop() });
  }

  static async start(options: ClusterOptions): Promise<Cluster> {
    const startup = new StartupPhases();
    const paths = ensureDataDir(options.dataDir);
    const previous = readJson<ClusterSettings>(paths.settings);
    const runtime = options.runtime ?? previous?.runtime ?? 'docker';
    const pkiDir = join(paths.dataDir, 'pki');
    const releaseLock = acquireLock(paths, options.name);
    rememberDataDir(options.name, options.dataDir);
    let store: Store | undefined;
    let apiServer: ApiServer | undefined;
    let cluster: Cluster | undefined;
    try {
      const storeSpec = options.store ?? previous?.store ?? 'sqlite';
      const nodeCount = options.nodes ?? previous?.nodes ?? 1;
      // The engine's work is asked for first and goes on in the engine while this process opens the store (SQLite's open
      // is synchronous): its subnets when the cluster has none yet, then a new Docker cluster's network and node containers.
      const engineAnswers = options.engineAnswers ?? Promise.resolve();
      const subnetChosen = previous?.subnet
        ? Promise.resolve(previous.subnet)
        : (runtime === 'docker' ? engineAnswers.then(() => startup.time('engine subnets', engineSubnets(dockerClient()))) : Promise.resolve([])).then((engine) => chooseSubnet([...subnetsInUse(options.name), ...engine]));
      const nodesCreated =
        runtime === 'docker' && previous?.runtime === undefined
          ? Promise.all([subnetChosen, engineAnswers]).then(([subnet]) => startup.time('node containers', addInitialNodes(dockerClient(), { cluster: options.name, subnet, nodes: nodeCount, ...(options.pauseImage ? { pauseImage: options.pauseImage } : {}) })))
          : undefined;
      nodesCreated?.catch(() => undefined);
      // The store opens on the next turn: the engine's requests above are sent from promise callbacks, which run
      // first; opened now, its synchronous open would hold them back (10-45 ms for a new store) on a new cluster's
      // critical path. Both settle before anything can fail, so a failed start closes a store that did open.
      const storeOpened = nextTurn().then(() => startup.time('store', () => openStore(storeSpec, paths.dataDir)));
      const [opened, chosen] = await Promise.allSettled([storeOpened, subnetChosen]);
      if (opened.status === 'rejected') throw opened.reason;
      store = opened.value;
      if (chosen.status === 'rejected') throw chosen.reason;
      const subnet = chosen.value;
      // A new cluster's node containers were asked for as the subnet came: a turn lets their first engine request
      // go out before the keys are made and the API server starts, which hold this thread for tens of milliseconds.
      if (nodesCreated) await nextTurn();

      const adminToken = loadOrCreateAdminToken(paths);
      const serviceRange = planAddresses(subnet).serviceRange;
      // In-cluster clients reach the API server as https://<kubernetes Service IP>: the certificate must name it.
      const pki = await startup.time('pki', async () => loadOrCreatePki(paths.dataDir, options.name, [new ServiceRange(serviceRange).apiServerIP]));
      const schema = createSchemaServices();
      apiServer = new ApiServer({
        store,
        definitions: allResources,
        schema,
        tls: { key: pki.serverKey, cert: pki.serverCert, clientCA: pki.caCert },
        adminToken,
        serviceRange,
        serviceAccountKey: pki.serviceAccountKey,
        serviceAccountAdmission: true,
        hostPortFree: portIsFree,
        ...(options.featureGates ? { featureGates: options.featureGates } : {}),
      });
      // Established CRDs are served from the first request on, as kube-apiserver waits for its CRD informer.
      await startup.time('custom resources', apiServer.customResources.start());
      // The port of last time when it is free (trying it is cheaper than probing it first), else any.
      const apiPort = await startup.time('api listening', options.apiPort ? apiServer.listen(options.apiPort) : apiServer.listen(previous?.apiPort ?? 0, true));
      // A restarted cluster's clients may be waiting (its kubeconfig is already written): from here on the start gives
      // the event loop a turn between its steps, so their TLS handshakes and requests are answered between the steps
      // rather than after all of them.
      await nextTurn();
      const settings: ClusterSettings = {
        name: options.name,
        apiPort,
        store: storeSpec,
        runtime,
        nodes: nodeCount,
        subnet,
      };
      writeJsonAtomic(paths.settings, settings);
      const bootstrapClient = apiServer.client(componentUser('system:apiserver'));
      await startup.time('bootstrap objects', async () => {
        await ensureSystemNamespaces(bootstrapClient);
        await nextTurn();
        await ensureKubernetesService(bootstrapClient, apiServer!.serviceRange.apiServerIP, apiPort);
        await nextTurn();
        await ensureBootstrapPolicy(bootstrapClient, nextTurn);
        await ensureSystemPriorityClasses(bootstrapClient);
        await nextTurn();
        await ensureStandardStorageClass(bootstrapClient);
      });
      await nextTurn();
      // The engine's first use on a restart, and what onServing waits for.
      await engineAnswers;
      // The cluster network is made while the scheduler starts: the add-on and the node containers join it later.
      // Node containers that could not be made early are the node manager's to make (and report); the network must be there.
      // Not sooner: on a restart, loading the Docker client is the first use of it, tens of milliseconds in one go.
      const ensureNetwork = () => startup.time('cluster network', ensureClusterNetwork(dockerClient(), { cluster: options.name, subnet }));
      const networkCreated = runtime === 'docker' ? (nodesCreated ? nodesCreated.catch(ensureNetwork) : ensureNetwork()) : undefined;
      networkCreated?.catch(() => undefined);
      const stopAPIServiceSync = await keepAPIServicesSynced(bootstrapClient, apiServer.catalog, (err) => process.stderr.write(`apiservices: ${err instanceof Error ? err.message : String(err)}\n`));
      writeKubeconfig(paths.kubeconfig, { clusterName: options.name, server: apiServer.url, caCert: pki.caCert, token: adminToken });
      cluster = new Cluster(options.name, paths, store, apiServer, settings, releaseLock);
      cluster.own({ name: 'apiservice-registration', stop: stopAPIServiceSync });
      await startup.time('scheduler', cluster.startComponents());
      options.onServing?.(cluster);
      const client = cluster.client.bind(cluster);
      // Before the nodes: their kubelets give pods the cluster DNS address (known from the API alone). Its engine side
      // (the add-on) waits for the start's engine work: the cluster network, which it joins, and a new cluster's node containers.
      const networked = cluster;
      const begun = settings.runtime === 'docker' ? await startup.time('networking begun', () => beginNetworking(networked, { upstreamDns: options.upstreamDns ? [DOCKER_EMBEDDED_DNS] : [], journeys: apiServer!.journeys, ingressCertificateDir: pkiDir, ...(networkCreated ? { engineWorkBefore: networkCreated } : {}) })) : undefined;
      const networking = begun?.networking;
      const registryCredentials = options.registryCredentials ?? new RegistryCredentials();
      // The node manager starts while a new cluster's node containers start (it learns the engine's facts meanwhile, then
      // waits for them), so their kubelets register as soon as the containers run.
      const nodes = new NodeManager({ cluster: options.name, dataDir: paths.dataDir, runtime: settings.runtime, nodes: settings.nodes, subnet, pauseImage: options.pauseImage, clientFor: client, ...(networking ? { dns: networking.dns } : {}), nodeCredentials: () => registryCredentials.payloads(), journeys: apiServer.journeys, ...(networkCreated ? { networkMade: networkCreated } : {}), ...(nodesCreated ? { initialNodesMade: nodesCreated } : {}) });
      // Last started, first stopped: kubelets go before the API they report to.
      cluster.own({ name: 'nodes', stop: () => nodes.stop() });
      const nodesStarted = startup.time('nodes', nodes.start());
      nodesStarted.catch(() => undefined);
      // The cluster network must be there: a start that cannot make it fails.
      await networkCreated;
      await Promise.all([nodesStarted, begun ? startup.time('add-on first try', begun.firstTry) : undefined]);
      cluster.nodes = nodes;
      cluster.settleNodes.resolve(nodes);
      installPodStreaming(apiServer, (node) => nodes.runtimeFor(node));
      // metrics.k8s.io from the runtimes, as metrics-server would serve it: kubectl top works on a new cluster.
      const usage = new UsageCollector({ nodeNames: () => nodes.nodeNames, runtimeFor: (node) => nodes.runtimeFor(node) }, realClock);
      serveMetricsApi(apiServer.readOnly, usage, () => nodes.nodeNames);
      const served = cluster;
      const api = apiServer;
      serveComponentStatuses(apiServer.readOnly, { running: (name) => served.runs(name), storeAnswers: () => api.storeAnswers() });
      // nodes/proxy: each kubelet's own API (/healthz, /pods, /stats/summary, /metrics...), its figures the same samples.
      apiServer.subresources.nodeConnector = kubeletConnector((node) => nodes.kubeletFor(node), (node) => usage.containerSamples(node));
      usage.start();
      cluster.own({ name: 'metrics', stop: () => usage.stop() });
      // Last of all, so it is the first to stop: no controller acts on a cluster going down.
      const catalog = apiServer.catalog;
      const resources = servedResources(() => catalog.definitions(), (listener) => catalog.onChange(listener));
      const controllers = new ControllerManager(cluster.client('system:kube-controller-manager'), { rootCA: pki.caCert, signingCA: loadSigningCa(paths.dataDir), resources, localPathStorage: nodeRuntimeStorage(nodes), journeys: apiServer.journeys });
      await startup.time('controllers', controllers.start());
      cluster.own({ name: 'controller-manager', stop: () => controllers.stop() });
      cluster.startup = startup;
      return cluster;
    } catch (err) {
      cluster?.settleNodes.reject(err);
      await cluster?.stopComponents();
      await apiServer?.close().catch(() => undefined);
      await store?.close().catch(() => undefined);
      releaseLock();
      throw err;
    }
  }

  /** The recent probe runs of a node's kubelet, for the UI: kept in memory, never in the store (undefined when no kubelet runs that node here). */
  probeHistory(nodeName: string): ReturnType<NodeManager['probeHistory']> {
    return this.nodes?.probeHistory(nodeName);
  }

  /** Adding, stopping, starting and removing this cluster's nodes, once the start has started them; rejects when the start failed. */
  whenNodesStarted(): Promise<NodeControl> {
    return this.nodesStarted;
  }

  /** A client acting as one of PodLab's components (their writes are typed objects, never a user's document). */
  client(component: string): KubeClient {
    return this.apiServer.client(componentUser(component), { typedBodies: true });
  }

  private async stopComponents(): Promise<void> {
    for (const component of this.components.splice(0).reverse()) {
      try {
        await component.stop();
      } catch (err) {
        console.error(`stopping ${component.name} failed:`, err);
      }
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopComponents();
    await this.apiServer.close();
    await this.store.close();
    this.releaseLock();
  }
}
