// `podlab COMMAND [flags]`: the command-line face of PodLab. bin/podlab.cjs runs
// it from its bundle (dist/main/cli/podlab.cjs) with runPodlab; run directly
// from its source (`node --import tsx main/cli/index.ts`), it runs itself.

import { pathToFileURL } from 'node:url';
import { runKubeconfig } from './kubeconfigCommand.ts';
import { runNode } from './node.ts';
import { runServe } from './serve.ts';
import { CliError } from './args.ts';

const usage = `Usage: podlab COMMAND [flags]

Commands:
  serve        run a cluster in the foreground until Ctrl-C
               [--name NAME] [--data-dir DIR] [--api-port N] [--nodes K]
               [--runtime docker|simulated] [--store sqlite|etcd://HOST:PORT]
               [--pause-image IMAGE] [--update-kubeconfig] [--cluster-dns-only]
               [--hide-ui-token] [--feature-gates AuthorizePodWebsocketUpgradeCreatePermission=true]
  ui           the app's UI in a browser (what \`npm start\` falls back to without
               Electron): prints UI: URL, then starts the last cluster with progress;
               switches, creates and deletes clusters
               [--name NAME] [--runtime docker|simulated] [--port N] [--cluster-dns-only]
               [--hide-ui-token]
  cluster      list | delete NAME: the clusters in $PODLAB_HOME; delete removes
               a stopped cluster's containers, volumes, network and data
  kubeconfig   print a cluster's kubeconfig   [--name NAME] [--data-dir DIR]
               [--user NAME [--group GROUP]... [--validity 24h]]: one for that user, by client certificate
  node         add|stop|start|rm NAME: a cluster's Docker nodes   [--name CLUSTER]
               (add: [--cpus N] [--memory QUANTITY] [--pods N])
  port-forward (pod|svc|deploy)/NAME [LOCAL:]REMOTE...   [-n NAMESPACE] [--name CLUSTER]
               forward 127.0.0.1:LOCAL to the target; follows a Service's or
               Deployment's pods when they are replaced
  help         show this help
`;

async function main(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return runServe(rest);
    case 'ui':
      return (await import('./ui.ts')).runUi(rest);
    case 'cluster':
      return (await import('./cluster.ts')).runCluster(rest);
    case 'kubeconfig':
      return runKubeconfig(rest);
    case 'node':
      return runNode(rest);
    case 'port-forward':
      return (await import('./portForward.ts')).runPortForward(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return 0;
    default:
      throw new CliError(`unknown command "${command}"\n\n${usage}`);
  }
}

/** Runs one command; its outcome becomes the process's exit code (a running cluster keeps the process alive). */
export async function runPodlab(argv: string[]): Promise<void> {
  try {
    const code = await main(argv);
    if (code !== undefined) process.exitCode = code;
  } catch (err) {
    // Users get the message; PODLAB_DEBUG=1 adds the stack for bug reports.
    const detail = process.env.PODLAB_DEBUG && err instanceof Error ? err.stack : err instanceof Error ? err.message : String(err);
    process.stderr.write(`podlab: ${detail}\n`);
    process.exitCode = err instanceof CliError ? 2 : 1;
  }
}

// No top-level await: the command's bundle is CommonJS (scripts/build-main.js says why); runPodlab reports its own errors.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void runPodlab(process.argv.slice(2));
