// Runs the real `podlab serve` as a child process, the way a user does, and
// waits for its `Kubeconfig: PATH` line.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

export async function startPodlab(args: string[] = [], dataDir = tempDir('serve')): Promise<PodlabServe> {
  // Tests keep every DNS query inside the machine: pods resolve cluster names only.
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'podlab.js'), 'serve', '--data-dir', dataDir, '--cluster-dns-only', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Settings, registry logins and the cluster list stay inside the test's directory, never the user's ~/.podlab.
    env: { ...process.env, KUBECONFIG: join(dataDir, 'user-kubeconfig'), PODLAB_HOME: join(dataDir, 'podlab-home') },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const kubeconfig = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /^Kubeconfig: (.+)$/m.exec(output);
      if (match) resolve(match[1].trim());
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`podlab serve exited (${code}) before printing its kubeconfig:\n${output}`)));
  });
  return {
    kubeconfig,
    dataDir,
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

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
