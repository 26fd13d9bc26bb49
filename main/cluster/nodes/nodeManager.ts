// A cluster's nodes. On Docker, the node containers are the truth: the
// manager makes sure `--nodes K` exist (node-1 … node-K, node-1 being the
// control plane), then keeps one kubelet per running node container,
// reconciling on every Docker event about them (and every few seconds, in
// case the event stream broke). So `podlab node add|stop|start|rm` from
// another shell, or `docker stop podlab-<cluster>-node-2`, takes effect here:
// a stopped node's kubelet stops (it stops heartbeating and the node goes
// NotReady), a new or restarted one gets a kubelet, a removed one loses its
// Node object and whatever its pods left. With the simulated runtime the
// nodes live in this process (nodes added later last until it stops). The
// node lifecycle controller runs here too. The UI acts on nodes through the
// NodeControl this manager implements.

import type { Runtime } from '../../runtime/runtime.ts';
import { randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import { isApiError, type KubeClient } from '../../kube/client/types.ts';
import { NodeLifecycleController } from '../../controllers/nodeLifecycle.ts';
import type { Kubelet } from '../../kubelet/kubelet.ts';
import type { ProbeManager } from '../../kubelet/probes/probeManager.ts';
import type { DnsSettings } from '../../kubelet/sandboxConfig.ts';
import { NODE_LEASE_NAMESPACE } from '../../kubelet/nodeLease.ts';
import { throttledLog } from '../../kubelet/throttledLog.ts';
import { timingsFor, type Timings } from '../../kubelet/timings.ts';
import { dockerClient } from '../../runtime/docker/engine.ts';
import { engineVersion } from '../../runtime/docker/engineVersion.ts';
import { EngineUnavailableError } from '../../runtime/runtime.ts';
import { IpAllocator } from '../../runtime/simulated/ipAllocator.ts';
import { planAddresses } from '../../network/clusterNetwork.ts';
import { addInitialNodes, addNode, listNodes, removeNodeLeftovers, removeOrphanVolumes, type ListedNode } from './dockerNodes.ts';
import { dockerKubelet, simulatedKubelet, type KubeletContext } from './kubeletFactory.ts';
import { removeSimulatedFilesLeftover } from './simulatedFilesLeftover.ts';
import { dockerEngineFacts, hostFacts } from './machineFacts.ts';
import { checkNodeName, NodeActionError, type NodeControl, type NodeMachine } from './nodeControl.ts';
import { defaultNodeName, LABEL_NODE_ROLE, ROLE_CONTROL_PLANE, type CapacityChoice } from './nodeLabels.ts';
import { nodeContainerName, removeNodeContainer, startNodeContainer, stopNodeContainer } from '../../runtime/docker/nodeContainers.ts';
import { watchNodeContainers } from './nodeContainerEvents.ts';
import type { JourneyRecorder } from '../../kube/trace/journeyRecorder.ts';

export interface NodeManagerOptions {
  cluster: string;
  dataDir: string;
  runtime: 'docker' | 'simulated';
  /** Nodes the cluster starts with; existing extra nodes are kept. */
  nodes: number;
  /** The cluster network's subnet (the cluster's settings chose it). */
  subnet: string;
  pauseImage?: string;
  clientFor: (component: string) => KubeClient;
  /** Cluster DNS for ClusterFirst pods (the networking's `dns`); absent: pods use the engine's resolver. */
  dns?: DnsSettings;
  timings?: Timings;
  /** Registry logins the kubelets try after a pod's imagePullSecrets. */
  nodeCredentials?: () => Buffer[];
  docker?: Docker;
  onError?: (error: unknown, context: string) => void;
  /** The cluster's pod journeys, which the kubelets add to. */
  journeys?: JourneyRecorder;
  /**
   * The start's own making of the cluster network: awaited before the
   * manager makes its nodes (two creates of one network at once would both
   * claim its subnet).
   */
  networkMade?: Promise<unknown>;
  /**
   * The start's own making of a new cluster's `--nodes K` containers: awaited
   * instead of making them again (the manager makes them if it failed). So the
   * manager can start while they start, learning the engine's facts meanwhile.
   */
  initialNodesMade?: Promise<unknown>;
}

// Reconcile this often even without events, in case the engine's stream broke.
const RESYNC_MS = 5_000;
const EVENT_RETRY_MS = 2_000;

/** A simulated node: no container, so its existence and state are kept here. */
interface SimulatedNode {
  controlPlane: boolean;
  capacity: CapacityChoice;
  running: boolean;
}

export class NodeManager implements NodeControl {
  private readonly kubelets = new Map<string, Kubelet>();
  private readonly simulated = new Map<string, SimulatedNode>();
  private ips: IpAllocator | undefined;
  private readonly timings: Timings;
  private readonly onError: (error: unknown, context: string) => void;
  private readonly abort = new AbortController();
  private controller: NodeLifecycleController | undefined;
  private docker: Docker | undefined;
  private context: KubeletContext | undefined;
  private reconciling: Promise<void> | undefined;
  private again = false;
  private resync: NodeJS.Timeout | undefined;
  private watching: Promise<void> | undefined;
  private stopped = false;
  /** Whether the `--nodes K` containers were made sure of (the engine may be down at first). */
  private initialNodesReady = false;
  private readonly bootID = randomUUID();

  constructor(private readonly options: NodeManagerOptions) {
    this.timings = options.timings ?? timingsFor();
    this.onError = options.onError ?? throttledLog('podlab: nodes', Date.now);
  }

  /** The runtime of a node whose kubelet runs here (undefined for unknown or stopped nodes). */
  runtimeFor(nodeName: string): Runtime | undefined {
    return this.kubelets.get(nodeName)?.runtime;
  }

  /** The kubelet of a node that runs here (undefined for unknown or stopped nodes): nodes/proxy answers from it. */
  kubeletFor(nodeName: string): Kubelet | undefined {
    return this.kubelets.get(nodeName);
  }

  /** The probe runs the kubelet of a node keeps in memory (undefined for unknown or stopped nodes); readers never cause a store write. */
  probeHistory(nodeName: string): Pick<ProbeManager, 'history' | 'subscribe'> | undefined {
    return this.kubelets.get(nodeName)?.probes;
  }

  /** The kubelets running now, by node name. */
  get nodeNames(): string[] {
    return [...this.kubelets.keys()].sort();
  }

  /** Starts the nodes' kubelets; resolves once the first reconcile is through. Stop may come at any time. */
  async start(): Promise<void> {
    const { options } = this;
    this.controller = new NodeLifecycleController({
      client: options.clientFor('node-controller'),
      gracePeriodMs: this.timings.nodeMonitorGraceMs,
      monitorPeriodMs: this.timings.nodeMonitorPeriodMs,
      onError: this.onError,
    });
    await this.controller.start();
    if (this.stopped) return;
    if (options.runtime === 'simulated') {
      removeSimulatedFilesLeftover(options.dataDir);
      this.context = { ...this.contextBase(), facts: hostFacts() };
      this.ips = new IpAllocator(planAddresses(options.subnet).podRange);
      for (let i = 0; i < options.nodes; i++) {
        this.simulated.set(defaultNodeName(i), { controlPlane: i === 0, capacity: {}, running: true });
        await this.startSimulated(defaultNodeName(i));
      }
      return;
    }
    this.docker = options.docker ?? dockerClient();
    this.watching = this.watchEvents();
    this.resync = setInterval(() => this.reconcile(), RESYNC_MS);
    await this.reconcile();
    await this.removeOrphanVolumes();
  }

  /** Volumes left by pods deleted while PodLab was down (their containers went with the kubelets' cleanup). */
  private async removeOrphanVolumes(): Promise<void> {
    try {
      const pods = await this.options.clientFor('node-manager').resource({ group: '', version: 'v1', plural: 'pods' }).list();
      const known = new Set(pods.items.map((p) => p.metadata.uid));
      await removeOrphanVolumes(this.docker!, this.options.cluster, (uid) => known.has(uid));
    } catch (error) {
      this.onError(error, 'removing volumes of deleted pods');
    }
  }

  private contextBase(): Omit<KubeletContext, 'facts'> {
    const { options } = this;
    return {
      cluster: options.cluster,
      dataDir: options.dataDir,
      clientFor: options.clientFor,
      timings: this.timings,
      bootID: this.bootID,
      ...(options.dns ? { dns: options.dns } : {}),
      ...(options.nodeCredentials ? { nodeCredentials: options.nodeCredentials } : {}),
      ...(options.journeys ? { journeys: options.journeys } : {}),
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    if (this.resync) clearInterval(this.resync);
    await this.watching;
    await this.reconciling;
    await Promise.all([...this.kubelets.values()].map((k) => k.stop()));
    this.kubelets.clear();
    await this.controller?.stop();
  }

  /** Brings kubelets in line with the node containers; concurrent calls coalesce. */
  reconcile(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.reconciling) {
      this.again = true;
      return this.reconciling;
    }
    this.reconciling = (async () => {
      do {
        this.again = false;
        try {
          await this.reconcileOnce();
        } catch (error) {
          // The API keeps serving without nodes; they appear once the engine answers.
          this.onError(error, error instanceof EngineUnavailableError ? 'the Docker engine is not available, nodes will start when it is' : 'reconcile');
        }
      } while (this.again && !this.stopped);
    })().finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  private async reconcileOnce(): Promise<void> {
    const docker = this.docker!;
    const { cluster } = this.options;
    if (!this.context) {
      // The version the kubelets' first runtime check asks for comes with the facts (a new cluster's node containers start meanwhile).
      const [facts] = await Promise.all([dockerEngineFacts(docker), engineVersion(docker)]);
      this.context = { ...this.contextBase(), facts };
    }
    if (!this.initialNodesReady) {
      const madeByStart = await this.options.initialNodesMade?.then(
        () => true,
        () => false,
      );
      if (!madeByStart) {
        await this.options.networkMade?.catch(() => undefined);
        // A start that failed meanwhile stopped this manager: it makes nothing on its way out.
        if (this.stopped) return;
        await addInitialNodes(docker, { cluster, subnet: this.options.subnet, nodes: this.options.nodes, ...(this.options.pauseImage ? { pauseImage: this.options.pauseImage } : {}) });
      }
      this.initialNodesReady = true;
    }
    const listed = await listNodes(docker, cluster);
    const byName = new Map<string, ListedNode>(listed.map((n) => [n.node, n]));
    for (const [name, kubelet] of this.kubelets) {
      const container = byName.get(name);
      if (container?.running) continue;
      this.kubelets.delete(name);
      await kubelet.stop();
      if (!container) await this.forgetNode(name);
    }
    const starting = listed.filter((container) => container.running && !this.kubelets.has(container.node) && !this.stopped);
    // Each node's kubelet registers and syncs on its own: started side by side.
    await Promise.all(
      starting.map(async (container) => {
        const kubelet = dockerKubelet(this.context!, docker, container.node, container.labels, this.options.pauseImage);
        this.kubelets.set(container.node, kubelet);
        try {
          await kubelet.start();
        } catch (error) {
          this.kubelets.delete(container.node);
          await kubelet.stop().catch(() => undefined);
          this.onError(error, `node ${container.node}: kubelet did not start`);
        }
      }),
    );
    await this.forgetRemovedNodes(byName);
  }

  /** Node objects of this cluster's Docker nodes whose container is gone (removed while PodLab was not running, too). */
  private async forgetRemovedNodes(containers: Map<string, ListedNode>): Promise<void> {
    const prefix = `podlab://docker/${this.options.cluster}/`;
    const nodes = await this.options.clientFor('node-manager').resource({ group: '', version: 'v1', plural: 'nodes' }).list();
    for (const node of nodes.items) {
      const providerID = String((node.spec as { providerID?: string } | undefined)?.providerID ?? '');
      const name = node.metadata.name ?? '';
      if (providerID.startsWith(prefix) && !containers.has(name) && !this.kubelets.has(name)) await this.forgetNode(name);
    }
  }

  /** A removed node: its pods' leftovers go, then its Lease and Node object. */
  private async forgetNode(name: string): Promise<void> {
    await removeNodeLeftovers(this.docker!, this.options.cluster, name);
    await this.forgetNodeObjects(name);
  }

  private async forgetNodeObjects(name: string): Promise<void> {
    const client = this.options.clientFor('node-manager');
    for (const [ref, namespace] of [
      [{ group: 'coordination.k8s.io', version: 'v1', plural: 'leases' }, NODE_LEASE_NAMESPACE],
      [{ group: '', version: 'v1', plural: 'nodes' }, undefined],
    ] as const) {
      try {
        await client.resource(ref).delete(namespace, name);
      } catch (error) {
        if (!isApiError(error, 'NotFound')) throw error;
      }
    }
  }

  private async startSimulated(name: string): Promise<void> {
    const node = this.simulated.get(name)!;
    const kubelet = simulatedKubelet(this.context!, this.ips!, name, node.controlPlane, node.capacity);
    this.kubelets.set(name, kubelet);
    node.running = true;
    await kubelet.start();
  }

  private async stopKubelet(name: string): Promise<void> {
    const kubelet = this.kubelets.get(name);
    this.kubelets.delete(name);
    await kubelet?.stop();
  }

  async machines(): Promise<NodeMachine[]> {
    if (this.options.runtime === 'simulated') {
      return [...this.simulated].map(([name, node]) => ({ name, state: node.running ? 'running' : 'stopped', controlPlane: node.controlPlane }));
    }
    const listed = await listNodes(this.docker!, this.options.cluster);
    return listed
      .map((n) => ({ name: n.node, state: n.running ? ('running' as const) : ('stopped' as const), controlPlane: n.labels[LABEL_NODE_ROLE] === ROLE_CONTROL_PLANE, container: nodeContainerName(this.options.cluster, n.node) }))
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  }

  /** The node as it exists now; throws NotFound (or AlreadyExists, when `wanted` is false) otherwise. */
  private async existing(name: string, wanted: boolean): Promise<NodeMachine | undefined> {
    checkNodeName(name);
    if (this.stopped) throw new NodeActionError('Unavailable', `cluster "${this.options.cluster}" is stopping`);
    const machine = (await this.machines()).find((m) => m.name === name);
    if (wanted && !machine) throw new NodeActionError('NotFound', `cluster "${this.options.cluster}" has no node "${name}"`);
    if (!wanted && machine) throw new NodeActionError('AlreadyExists', `node "${name}" already exists in cluster "${this.options.cluster}"`);
    return machine;
  }

  async addNode(name: string, capacity: CapacityChoice): Promise<void> {
    await this.existing(name, false);
    if (this.options.runtime === 'simulated') {
      this.simulated.set(name, { controlPlane: false, capacity, running: true });
      return this.startSimulated(name);
    }
    const pauseImage = this.options.pauseImage ? { pauseImage: this.options.pauseImage } : {};
    await addNode(this.docker!, { cluster: this.options.cluster, subnet: this.options.subnet, node: name, capacity, ...pauseImage });
    await this.reconcile();
  }

  async stopNode(name: string): Promise<void> {
    const machine = (await this.existing(name, true))!;
    if (machine.state === 'stopped') return;
    if (this.options.runtime === 'simulated') {
      this.simulated.get(name)!.running = false;
      return this.stopKubelet(name);
    }
    await stopNodeContainer(this.docker!, this.options.cluster, name);
    await this.reconcile();
  }

  async startNode(name: string): Promise<void> {
    const machine = (await this.existing(name, true))!;
    if (machine.state === 'running') return;
    if (this.options.runtime === 'simulated') return this.startSimulated(name);
    await startNodeContainer(this.docker!, this.options.cluster, name);
    await this.reconcile();
  }

  async removeNode(name: string): Promise<void> {
    await this.existing(name, true);
    if (this.options.runtime === 'simulated') {
      this.simulated.delete(name);
      await this.stopKubelet(name);
      return this.forgetNodeObjects(name);
    }
    await removeNodeContainer(this.docker!, this.options.cluster, name);
    await this.reconcile();
  }

  private async watchEvents(): Promise<void> {
    while (!this.stopped) {
      try {
        await watchNodeContainers(this.docker!, this.options.cluster, this.abort.signal, () => void this.reconcile(), () => void this.reconcile());
      } catch (error) {
        if (this.stopped) return;
        this.onError(error, 'watching node containers');
      }
      await new Promise((resolve) => setTimeout(resolve, EVENT_RETRY_MS));
    }
  }
}
