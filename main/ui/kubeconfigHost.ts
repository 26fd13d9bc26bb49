// PodLab's clusters and the contexts of the user's kubeconfig side by side:
// a UiHost around the app's (or `podlab serve`'s) that lists both and can
// show a context instead of the PodLab cluster, at once and without stopping
// it. The kubeconfig is read on every listing and opening (kubectl may have
// changed it) and never written: switching here does not touch kubectl's
// current-context. A context PodLab wrote for one of its own clusters
// (`podlab-NAME`, from --update-kubeconfig) is listed once, as that cluster.

import type { ClusterStatus, ClusterSummary } from '../../preload/api.ts';
import { realClock, type Clock } from '../kube/clock.ts';
import { contextTarget } from '../kube/kubeconfig/contextEndpoint.ts';
import { kubeconfigPaths, loadKubeconfig } from '../kube/kubeconfig/kubeconfigFiles.ts';
import { contextName } from '../cluster/kubeconfig.ts';
import { BridgeFailure } from './bridgeError.ts';
import { contextConnection } from './contextConnection.ts';
import { StatusBoard } from './statusBoard.ts';
import type { ClusterConnection, UiHost } from './uiHost.ts';

export const podlabOnlyReason = 'PodLab does not run this cluster: it reads it through its API with your kubeconfig credentials, so node actions, pod journeys and Docker notes (which come from PodLab\'s own components) are not available';

interface Shown {
  context: string;
  connection: ClusterConnection;
}

export interface KubeconfigHostOptions {
  /** The kubeconfig files (default: $KUBECONFIG's, or ~/.kube/config), read again each time. */
  paths?: () => string[];
  /** Times exec credentials' expiry. */
  clock?: Clock;
}

export function withKubeconfigContexts(inner: UiHost, options: KubeconfigHostOptions = {}): UiHost {
  const paths = options.paths ?? (() => kubeconfigPaths());
  const status = new StatusBoard(inner.status.get());
  let shown: Shown | undefined;
  // Opening a context is ordered with switching back, so a slow discovery request cannot win over a later click.
  let busy: Promise<void> = Promise.resolve();
  const serial = (work: () => Promise<void>) => (busy = busy.catch(() => undefined).then(work));
  inner.status.subscribe((s) => {
    if (!shown) status.update({ ...s, context: undefined });
  });

  const showPodlab = () => {
    shown = undefined;
    status.update({ ...inner.status.get(), context: undefined });
  };

  function contexts(podlabNames: Set<string>): ClusterSummary[] {
    const config = loadKubeconfig(paths());
    return [...config.contexts.entries()]
      .filter(([name]) => ![...podlabNames].some((cluster) => contextName(cluster) === name))
      .map(([name, entry]) => {
        let problem: string | undefined;
        let server = config.clusters.get(entry.cluster)?.server ?? '';
        try {
          server = contextTarget(config, name).server;
        } catch (err) {
          problem = (err as Error).message;
        }
        return {
          name,
          running: false,
          current: shown?.context === name,
          dataDir: '',
          context: { server, namespace: entry.namespace || 'default', kubectlCurrent: config.currentContext === name, ...(problem ? { problem } : {}) },
        };
      });
  }

  const host: UiHost = {
    status,
    settings: inner.settings,
    samples: inner.samples,
    registries: inner.registries,
    openExternal: (url) => inner.openExternal(url),
    createCluster: (spec) => serial(async () => {
      showPodlab();
      await inner.createCluster(spec);
    }),
    deleteCluster: (name) => inner.deleteCluster(name),

    connection: () => shown?.connection ?? inner.connection(),

    clusters() {
      const podlab = inner.clusters().map((c) => (shown && c.current ? { ...c, current: false, runsHere: true } : c));
      return [...podlab, ...contexts(new Set(podlab.map((c) => c.name)))];
    },

    switchCluster: (name, runtime) => {
      // A kubeconfig context picked where clusters are switched (the status bar) opens as a context: it never becomes a new PodLab cluster.
      if (runtime === undefined && !inner.clusters().some((c) => c.name === name) && loadKubeconfig(paths()).contexts.has(name)) return host.useContext!(name);
      return serial(async () => {
        const own = inner.status.get();
        if (shown && name === own.name && own.phase === 'running' && runtime === undefined) return showPodlab();
        showPodlab();
        await inner.switchCluster(name, runtime);
      });
    },

    useContext: (name) =>
      serial(async () => {
        const config = loadKubeconfig(paths());
        if (!config.contexts.has(name) && config.problems.length > 0) throw new BridgeFailure(`no context "${name}": ${config.problems.join('; ')}`);
        const target = contextTarget(config, name, { clock: options.clock ?? realClock });
        const connection = await contextConnection(target);
        shown = { context: name, connection };
        const own = inner.status.get();
        const next: ClusterStatus = {
          ...own,
          name,
          phase: 'running',
          progress: undefined,
          message: undefined,
          apiServerUrl: target.server,
          kubeconfigPath: target.file,
          dataDir: undefined,
          podStreams: true,
          context: { server: target.server, namespace: target.namespace, podlabOnly: podlabOnlyReason },
        };
        status.update(next);
      }),
  };
  return host;
}
