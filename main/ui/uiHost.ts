// What a bridge session needs from whoever runs the UI: the app (desktop
// window or `podlab ui`, which can switch, create and delete clusters) or
// `podlab serve` (one cluster).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSummary, NewCluster } from '../../preload/api.ts';
import type { AdmissionDenial } from '../apiserver/admission/admissionDenials.ts';
import type { AuthorizationDenial } from '../apiserver/auth/denialLog.ts';
import { adminUser } from '../apiserver/auth/user.ts';
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
  kinds: KindResolver;
  streams: PodStreams;
  /** Probe runs from the kubelets' memory; absent for a cluster whose kubelets PodLab does not run. */
  probes?: ProbeHistorySource;
  /** The cluster's nodes as its process runs them. */
  nodes: NodeControl;
  /** The API server's recent authorization denials of a user (the debugger's rbac-denied rule); absent for an API server PodLab does not run. */
  denials?: (user: string) => AuthorizationDenial[];
  /** The API server's recent admission refusals, a namespace's or all (the debugger's refused requests); absent for an API server PodLab does not run. */
  admissionDenials?: (namespace?: string) => AdmissionDenial[];
}

export interface UiHost {
  /** The running cluster; throws (saying why) while none runs. */
  connection(): ClusterConnection;
  status: StatusBoard;
  clusters(): ClusterSummary[];
  switchCluster(name: string, runtime?: 'docker' | 'simulated'): Promise<void>;
  createCluster(spec: NewCluster): Promise<void>;
  deleteCluster(name: string): Promise<void>;
  openExternal(url: string): Promise<void>;
  settings: SettingsStore;
  samples: SampleLibrary;
  registries: RegistryCredentials;
}

/**
 * The UI acts for the person at the machine, who already holds the admin
 * kubeconfig: it gets the same rights, no more (a component identity would
 * lose them once RBAC is enforced).
 */
export function connectionTo(cluster: Cluster, streams: PodStreams): ClusterConnection {
  return {
    client: cluster.apiServer.client(adminUser),
    kinds: catalogKindResolver(cluster.apiServer.catalog),
    streams,
    probes: (node) => cluster.probeHistory(node),
    nodes: cluster.nodeControl,
    denials: (user) => cluster.apiServer.denials.recent(user),
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
