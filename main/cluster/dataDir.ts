// Where a cluster keeps its state: `$PODLAB_HOME/clusters/NAME` (default
// ~/.podlab), holding the store, the PKI, the admin token, the kubeconfig and
// the settings chosen at first start (so the API port, and with it every
// kubeconfig, stays the same across restarts). A cluster kept elsewhere
// (`--data-dir`) is remembered in $PODLAB_HOME/data-dirs.json, so `podlab
// cluster list` and `podlab cluster delete NAME` find it too.

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function podlabHome(): string {
  return process.env.PODLAB_HOME || join(homedir(), '.podlab');
}

/** Cluster names are DNS labels of at most 40 characters: they name directories, Docker networks and containers. */
export function validClusterName(name: string): boolean {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) && name.length <= 40;
}

export function defaultDataDir(clusterName: string): string {
  return join(podlabHome(), 'clusters', clusterName);
}

export interface ClusterPaths {
  dataDir: string;
  kubeconfig: string;
  settings: string;
  adminToken: string;
  lock: string;
}

export function clusterPaths(dataDir: string): ClusterPaths {
  return {
    dataDir,
    kubeconfig: join(dataDir, 'kubeconfig'),
    settings: join(dataDir, 'cluster.json'),
    adminToken: join(dataDir, 'admin.token'),
    lock: join(dataDir, 'podlab.pid'),
  };
}

/** The directory, readable by its owner only: it holds the store (Secrets), keys and the admin token. */
export function ensureDataDir(dataDir: string): ClusterPaths {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // A directory that already existed (made by hand, or by an older PodLab) keeps its mode otherwise.
  chmodSync(dataDir, 0o700);
  return clusterPaths(dataDir);
}

const dataDirsFile = (home: string) => join(home, 'data-dirs.json');

/** Clusters whose data directory is not the default one, by name (`podlab serve --data-dir`). */
export function rememberedDataDirs(home = podlabHome()): Record<string, string> {
  try {
    return readJson<Record<string, string>>(dataDirsFile(home)) ?? {};
  } catch {
    return {};
  }
}

/** Called when a cluster starts: remembers (or, when it is back home, forgets) where it lives. */
export function rememberDataDir(name: string, dataDir: string, home = podlabHome()): void {
  const known = rememberedDataDirs(home);
  const elsewhere = resolve(dataDir) !== resolve(join(home, 'clusters', name));
  if ((elsewhere ? resolve(dataDir) : undefined) === known[name]) return;
  if (elsewhere) known[name] = resolve(dataDir);
  else delete known[name];
  mkdirSync(home, { recursive: true, mode: 0o700 });
  writeJsonAtomic(dataDirsFile(home), known);
}

export function forgetDataDir(name: string, dataDir: string, home = podlabHome()): void {
  const known = rememberedDataDirs(home);
  if (known[name] !== resolve(dataDir)) return;
  delete known[name];
  writeJsonAtomic(dataDirsFile(home), known);
}

/** Every existing data directory of a cluster called `name`: its default one and the one it was last started in with `--data-dir`. */
export function dataDirsNamed(name: string, home = podlabHome()): string[] {
  const dirs = [join(home, 'clusters', name), rememberedDataDirs(home)[name]].filter((dir): dir is string => dir !== undefined && existsSync(dir));
  return [...new Set(dirs.map((dir) => resolve(dir)))];
}

/** Where cluster `name` lives: its default directory, else where it was last started with `--data-dir`. */
export function findDataDir(name: string, home = podlabHome()): string {
  const inHome = join(home, 'clusters', name);
  if (existsSync(inHome)) return inHome;
  return rememberedDataDirs(home)[name] ?? inHome;
}

/** The admin bearer token: made once, kept owner-readable only. */
export function loadOrCreateAdminToken(paths: ClusterPaths): string {
  if (existsSync(paths.adminToken)) return readFileSync(paths.adminToken, 'utf8').trim();
  const token = randomBytes(32).toString('base64url');
  writeFileSync(paths.adminToken, `${token}\n`, { mode: 0o600 });
  return token;
}

export function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function writeJsonAtomic(path: string, value: unknown): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live PodLab process that runs the cluster (this one included), if any. */
export function lockHolder(paths: ClusterPaths): number | undefined {
  if (!existsSync(paths.lock)) return undefined;
  const pid = Number(readFileSync(paths.lock, 'utf8').trim());
  return pid && processAlive(pid) ? pid : undefined;
}

/**
 * One PodLab process per cluster: two would each believe they own the
 * store's watchers and the containers. A lock left by a killed process is
 * taken over.
 */
export function acquireLock(paths: ClusterPaths, clusterName: string): () => void {
  const pid = lockHolder(paths);
  if (pid !== undefined && pid !== process.pid) {
    throw new Error(`cluster "${clusterName}" is already running (PodLab process ${pid}, data directory ${paths.dataDir})`);
  }
  writeFileSync(paths.lock, `${process.pid}\n`);
  return () => {
    try {
      if (readFileSync(paths.lock, 'utf8').trim() === String(process.pid)) rmSync(paths.lock);
    } catch {
      // Already gone: nothing to release.
    }
  };
}
