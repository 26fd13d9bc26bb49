// Runs the real `podlab serve` as a child process, the way a user does, and
// waits for its `Kubeconfig: PATH` line. bin/podlab.cjs runs the built bundle
// and rebuilds it first whenever it is older than the sources, so tests always
// run the code as it is now (parallel rebuilds rename their files into place).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { podlabNodeFlags } from '../../scripts/node-flags.cjs';

export const repoRoot = join(fileURLToPath(import.meta.url), '..', '..', '..');

export interface PodlabServe {
  kubeconfig: string;
  dataDir: string;
  process: ChildProcess;
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `podlab-${prefix}-`));
}

interface PodlabChild {
  process: ChildProcess;
  output(): string;
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

/** Runs `podlab ARGS` and resolves with the first match of `ready` in its stdout. */
async function spawnPodlab(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<PodlabChild & { match: RegExpExecArray }> {
  // As the podlab command runs itself (its shebang's flags). PODLAB_SERVE_NODE_ARGS adds Node flags
  // NODE_OPTIONS refuses, for profiling a benchmark's server: `--cpu-prof --cpu-prof-dir=DIR`.
  const nodeArgs = (process.env.PODLAB_SERVE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...podlabNodeFlags(), ...nodeArgs, join(repoRoot, 'bin', 'podlab.cjs'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = ready.exec(output);
      if (found) resolve(found);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`podlab ${args[0]} exited (${code}) before printing ${ready}:\n${output}`)));
  });
  return {
    match,
    process: child,
    output: () => output,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** `home`: PODLAB_HOME, by default inside the data directory; `env`: more of the process's environment (DOCKER_HOST). */
export async function startPodlab(args: string[] = [], dataDir = tempDir('serve'), home = join(dataDir, 'podlab-home'), env: NodeJS.ProcessEnv = {}): Promise<PodlabServe> {
  // Tests keep every DNS query inside the machine: pods resolve cluster names only.
  // Settings, registry logins and the cluster list stay inside the test's directory, never the user's ~/.podlab.
  const { match, ...child } = await spawnPodlab(['serve', '--data-dir', dataDir, '--cluster-dns-only', ...args], { KUBECONFIG: join(dataDir, 'user-kubeconfig'), PODLAB_HOME: home, ...env }, /^Kubeconfig: (.+)$/m);
  return { kubeconfig: match[1]!.trim(), dataDir, ...child };
}

/**
 * One `podlab serve ARGS` for the describe block this is called in: started in
 * its before hook, stopped and its data directory removed in its after hook.
 * Hooks the block adds later run after it has started (node:test keeps their order).
 */
export function servedForSuite(prefix: string, args: string[]): { readonly dataDir: string; readonly serve: PodlabServe; readonly kubeconfig: string } {
  const dataDir = tempDir(prefix);
  let serve: PodlabServe | undefined;
  before(async () => {
    serve = await startPodlab(args, dataDir);
  });
  after(async () => {
    await serve?.stop();
    removeDir(dataDir);
  });
  const started = (): PodlabServe => {
    if (!serve) throw new Error(`podlab serve (${prefix}) has not started: use it inside the block's tests and hooks`);
    return serve;
  };
  return {
    dataDir,
    get serve() {
      return started();
    },
    get kubeconfig() {
      return started().kubeconfig;
    },
  };
}

export interface PodlabUi extends PodlabChild {
  /** The `UI:` URL with its token. */
  url: string;
  /** PODLAB_HOME of the process: its clusters live in home/clusters. */
  home: string;
}

/** `podlab ui ARGS` with its own PODLAB_HOME: resolves once the page is served, before its cluster has started. */
export async function startPodlabUi(args: string[] = [], home = tempDir('ui')): Promise<PodlabUi> {
  const { match, ...child } = await spawnPodlab(['ui', '--cluster-dns-only', ...args], { KUBECONFIG: join(home, 'user-kubeconfig'), PODLAB_HOME: home }, /^UI: (\S+)$/m);
  return { url: match[1]!, home, ...child };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
