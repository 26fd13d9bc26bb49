// `podlab ui`: the desktop app's UI in a browser, for machines where Electron
// cannot run (`npm start` falls back to it). Unlike `podlab serve`, the page
// is up before any cluster: it shows the cluster starting step by step, and
// can switch, create and delete clusters, as the desktop window does.

import { mkdirSync } from 'node:fs';
import { podlabHome } from '../cluster/dataDir.ts';
import { startBrowserMode } from '../ui/browserMode.ts';
import { ClusterHost } from '../ui/clusterHost.ts';
import { withKubeconfigContexts } from '../ui/kubeconfigHost.ts';
import { appPaths } from '../appPaths.ts';
import { CliError, clusterLocation, intFlag, parseFlags } from './args.ts';
import { announceUiUrl, uiUrlFlags } from './uiUrl.ts';

const uiFlags = {
  name: { type: 'string' },
  runtime: { type: 'string' },
  port: { type: 'string' },
  'cluster-dns-only': { type: 'boolean' },
  ...uiUrlFlags,
} as const;

export async function runUi(args: string[]): Promise<undefined> {
  const { values } = parseFlags(args, uiFlags);
  const runtime = values.runtime;
  if (runtime !== undefined && runtime !== 'docker' && runtime !== 'simulated') throw new CliError(`--runtime must be docker or simulated (got "${runtime}")`);
  const host = new ClusterHost({ mode: 'browser', home: podlabHome(), samplesDir: appPaths.samples, upstreamDns: !values['cluster-dns-only'] });
  const name = values.name === undefined ? host.lastCluster() : clusterLocation({ name: values.name }).name;
  const ui = await startBrowserMode(withKubeconfigContexts(host), { port: intFlag(values.port, 'port', 0, 65535) ?? 0 });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Received ${signal}: stopping cluster "${host.status.get().name}"...\n`);
    void host
      .stop()
      .then(() => ui.close())
      .then(
        () => process.exit(0),
        (err) => {
          process.stderr.write(`podlab: error while stopping: ${(err as Error).message}\n`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  mkdirSync(podlabHome(), { recursive: true, mode: 0o700 });
  announceUiUrl(ui.url, podlabHome(), values['hide-ui-token']);
  // Once a start is over, and again after a switch: the status says running sooner, while the nodes start.
  let announced = false;
  host.status.subscribe((status) => {
    const started = status.phase === 'running' && !status.progress;
    if (started && !announced) process.stdout.write(`Cluster "${status.name}" is running. Kubeconfig: ${status.kubeconfigPath}\n`);
    announced = status.phase === 'running' && (announced || started);
    if (status.phase === 'failed') process.stdout.write(`Cluster "${status.name}" did not start: ${status.message}\n`);
  });
  await host.start(name, runtime);
  return undefined;
}
