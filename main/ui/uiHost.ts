// What a bridge session needs from whoever runs the UI: the app (desktop
// window or `podlab ui`, which can switch, create and delete clusters) or
// `podlab serve` (one cluster).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSummary, NewCluster, PodTrace } from '../../preload/api.ts';
import type { AdmissionDenial } from '../apiserver/admission/admissionDenials.ts';
import type { AuthorizationDenial } from '../apiserver/auth/denialLog.ts';
import { adminUser } from '../apiserver/auth/user.ts';
import type { DiscoveryClient } from '../kube/client/discovery.ts';
import type { TableClient } from '../kube/client/tables.ts';
import type { KubeClient } from '../kube/client/types.ts';
import type { Cluster } from '../cluster/cluster.ts';
import type { NodeControl } from '../cluster/nodes/nodeControl.ts';
import type { RegistryCredentials } from '../cluster/registryCredentials.ts';
import { catalogKindResolver, type KindResolver } from './apply/kindResolver.ts';
import { kubePodStreams } from './kubePodStreams.ts';
import type { PodStreams } from './podStreams.ts';
import type { ProbeHistorySource } from './probeHistory.ts';
import type { SampleLibrary } from './samples.ts';
import type { SettingsStore } from './settingsStore.ts';
import type { StatusBoard } from './statusBoard.ts';

export interface ClusterConnection {
  client: KubeClient;
  /** The API's discovery, for the kinds it serves now. */
  discovery: DiscoveryClient;
  /** Lists as the server prints them (server-side Tables). */
  tables: TableClient;
  kinds: KindResolver;
  streams: PodStreams;
  /** Probe runs from the kubelets' memory; absent for a cluster whose kubelets PodLab does not run. */
  probes?: ProbeHistorySource;
  /** The cluster's nodes as its process runs them; absent for a cluster whose nodes PodLab does not run. */
  nodes?: NodeControl;
  /** The API server's recent authorization denials of a user (the debugger's rbac-denied rule); absent for an API server PodLab does not run. */
  denials?: (user: string) => AuthorizationDenial[];
  /** Pods' journeys as PodLab's components record them; absent for a cluster that is not PodLab's. */
  journeys?: { trace(namespace: string, name: string, uid?: string): PodTrace | undefined; refusals(): PodTrace[] };
  /** The API server's recent admission refusals, a namespace's or all (the debugger's refused requests); absent for an API server PodLab does not run. */
  admissionDenials?: (namespace?: string) => AdmissionDenial[];
}

export interface UiHost {
  /** The running cluster; throws (saying why) while none runs. */
  connection(): ClusterConnection;
  status: StatusBoard;
  clusters(): ClusterSummary[];
  switchCluster(name: string, runtime?: 'docker' | 'simulated'): Promise<void>;
  /** Shows a context of the user's kubeconfig; absent where the host offers none. */
  useContext?(context: string): Promise<void>;
  createCluster(spec: NewCluster): Promise<void>;
  deleteCluster(name: string): Promise<void>;
  openExternal(url: string): Promise<void>;
  settings: SettingsStore;
  samples: SampleLibrary;
  registries: RegistryCredentials;
}

/** Node actions asked for while the cluster is still starting its nodes wait for them: the workspace opens before (ClusterHost). */
function nodeActionsOf(cluster: Cluster): NodeControl {
  const nodes = () => cluster.whenNodesStarted();
  return {
    machines: async () => (await nodes()).machines(),
    addNode: async (name, capacity) => (await nodes()).addNode(name, capacity),
    stopNode: async (name) => (await nodes()).stopNode(name),
    startNode: async (name) => (await nodes()).startNode(name),
    removeNode: async (name) => (await nodes()).removeNode(name),
  };
}

/**
 * The UI acts for the person at the machine, who already holds the admin
 * kubeconfig: it gets the same rights, no more (a component identity would
 * lose them once RBAC is enforced).
 */
export function connectionTo(cluster: Cluster, streams: PodStreams): ClusterConnection {
  return {
    client: cluster.apiServer.client(adminUser),
    discovery: cluster.apiServer.discoveryClient(adminUser),
    tables: cluster.apiServer.tableClient(adminUser),
    kinds: catalogKindResolver(cluster.apiServer.catalog),
    streams,
    probes: (node) => cluster.probeHistory(node),
    nodes: nodeActionsOf(cluster),
    denials: (user) => cluster.apiServer.denials.recent(user),
    journeys: cluster.apiServer.journeys,
    admissionDenials: (namespace) => cluster.apiServer.admissionDenials.recent(namespace),
  };
}

/** Logs and exec through the cluster's own API (pods/log, pods/exec), as kubectl gets them. */
export function apiPodStreams(cluster: Cluster): PodStreams {
  return kubePodStreams({
    url: cluster.apiServer.url,
    caCert: readFileSync(join(cluster.paths.dataDir, 'pki', 'ca.crt'), 'utf8'),
    token: readFileSync(cluster.paths.adminToken, 'utf8').trim(),
  });
}
