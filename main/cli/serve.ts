// `podlab serve`: runs one cluster in the foreground until SIGINT/SIGTERM.
// `Kubeconfig: PATH` is printed only once the API server has answered a real
// HTTPS request, so scripts can wait for that line and then use kubectl.

import { request } from 'node:https';
import { parseFeatureGates, type FeatureGates } from '../apiserver/featureGates.ts';
import { Cluster, type RuntimeKind } from '../cluster/cluster.ts';
import { defaultUserKubeconfigPath, mergeIntoKubeconfig, contextName } from '../cluster/kubeconfig.ts';
import { readFileSync } from 'node:fs';
import { CliError, clusterFlags, clusterLocation, intFlag, parseFlags } from './args.ts';
import { startBrowserMode } from '../ui/browserMode.ts';
import { appPaths } from '../appPaths.ts';
import { servedHost } from '../ui/servedHost.ts';
import { withKubeconfigContexts } from '../ui/kubeconfigHost.ts';
import { apiPodStreams } from '../ui/uiHost.ts';
import { announceUiUrl, uiUrlFlags } from './uiUrl.ts';

const serveFlags = {
  ...clusterFlags,
  'api-port': { type: 'string' },
  nodes: { type: 'string' },
  runtime: { type: 'string' },
  store: { type: 'string' },
  'pause-image': { type: 'string' },
  'update-kubeconfig': { type: 'boolean' },
  'cluster-dns-only': { type: 'boolean' },
  'feature-gates': { type: 'string' },
  ...uiUrlFlags,
} as const;

/** GET /readyz with the admin token: proves TLS, authentication and the store all answer. */
export function waitUntilAnswering(url: string, caCert: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/readyz`, { ca: caCert, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve();
      else reject(new Error(`the API server answered /readyz with HTTP ${res.statusCode}`));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves once the cluster runs; the process then lives until a signal stops it. */
export async function runServe(args: string[]): Promise<undefined> {
  const { values } = parseFlags(args, serveFlags);
  const { name, dataDir } = clusterLocation(values);
  const runtime = values.runtime as RuntimeKind | undefined;
  if (runtime !== undefined && runtime !== 'docker' && runtime !== 'simulated') throw new CliError(`--runtime must be docker or simulated (got "${runtime}")`);
  let featureGates: FeatureGates | undefined;
  try {
    featureGates = values['feature-gates'] === undefined ? undefined : parseFeatureGates(values['feature-gates']);
  } catch (error) {
    throw new CliError(`--feature-gates: ${(error as Error).message}`);
  }
  const cluster = await Cluster.start({
    ...(featureGates ? { featureGates } : {}),
    name,
    dataDir,
    apiPort: intFlag(values['api-port'], 'api-port', 0, 65535),
    nodes: intFlag(values.nodes, 'nodes', 0, 100),
    runtime,
    store: values.store,
    pauseImage: values['pause-image'],
    upstreamDns: !values['cluster-dns-only'],
  });
  let stopping: Promise<void> | undefined;
  const stop = (signal: string) => {
    if (stopping) return;
    process.stdout.write(`Received ${signal}: stopping cluster "${name}"...\n`);
    stopping = cluster.stop().then(
      () => {
        process.stdout.write('Stopped.\n');
        process.exit(0);
      },
      (err) => {
        process.stderr.write(`podlab: error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));

  const token = readFileSync(cluster.paths.adminToken, 'utf8').trim();
  const caCert = readFileSync(`${cluster.paths.dataDir}/pki/ca.crt`, 'utf8');
  await waitUntilAnswering(cluster.apiServer.url, caCert, token);
  if (values['update-kubeconfig']) {
    const target = defaultUserKubeconfigPath();
    mergeIntoKubeconfig(target, { clusterName: name, server: cluster.apiServer.url, caCert, token });
    process.stdout.write(`Set kubectl context to "${contextName(name)}" in ${target}\n`);
  }
  process.stdout.write(`Cluster "${name}" is running (store: ${cluster.settings.store}).\n`);
  if (process.env.PODLAB_STARTUP_TIMING && cluster.startup) process.stderr.write(`Start, step by step:\n${cluster.startup.text()}\n`);
  process.stdout.write(`API server: ${cluster.apiServer.url}\n`);
  process.stdout.write(`Kubeconfig: ${cluster.paths.kubeconfig}\n`);
  const host = servedHost(cluster, { streams: apiPodStreams(cluster), samplesDir: appPaths.samples });
  const ui = await startBrowserMode(withKubeconfigContexts(host));
  const closeUi = () => {
    host.close();
    void ui.close();
  };
  process.once('SIGINT', closeUi);
  process.once('SIGTERM', closeUi);
  announceUiUrl(ui.url, cluster.paths.dataDir, values['hide-ui-token']);
  return undefined;
}
