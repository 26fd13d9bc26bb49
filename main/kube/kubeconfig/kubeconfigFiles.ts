// The user's kubeconfig as kubectl reads it: the files of $KUBECONFIG (or
// ~/.kube/config alone), merged so that for every cluster, user and context
// name the first file that has it wins, and current-context comes from the
// first file that sets one. Relative file references (certificate-authority,
// client-certificate, client-key, tokenFile, an exec command with a slash) are
// resolved against the directory of the file that holds them, as client-go's
// ResolveLocalPaths does. Nothing here ever writes a kubeconfig.

import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { yaml } from '../yamlLibrary.ts';

export interface KubeconfigCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
}

export interface ExecConfig {
  apiVersion?: string;
  command: string;
  args?: string[];
  env?: Array<{ name: string; value: string }> | null;
  interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
  provideClusterInfo?: boolean;
  installHint?: string;
}

export interface KubeconfigUser {
  token?: string;
  tokenFile?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  exec?: ExecConfig;
  username?: string;
  password?: string;
  'auth-provider'?: { name?: string };
}

export interface KubeconfigContext {
  cluster: string;
  user: string;
  namespace?: string;
}

/** An entry and the file it came from (for messages and relative paths). */
export type FromFile<T> = T & { file: string };

export interface MergedKubeconfig {
  /** The files read, in order (missing ones left out). */
  files: string[];
  clusters: Map<string, FromFile<KubeconfigCluster>>;
  users: Map<string, FromFile<KubeconfigUser>>;
  contexts: Map<string, FromFile<KubeconfigContext>>;
  currentContext?: string;
  /** Files that could not be read or parsed, each with why. */
  problems: string[];
}

/** The files kubectl reads: $KUBECONFIG's list (empty entries and repeats dropped), or ~/.kube/config. */
export function kubeconfigPaths(env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  return listed.length > 0 ? [...new Set(listed.map((p) => resolve(p)))] : [join(home, '.kube', 'config')];
}

function resolvedPath(dir: string, path: string | undefined): string | undefined {
  return path === undefined || path === '' || isAbsolute(path) ? path : resolve(dir, path);
}

function clusterFrom(dir: string, c: KubeconfigCluster): KubeconfigCluster {
  return { ...c, 'certificate-authority': resolvedPath(dir, c['certificate-authority']) };
}

function userFrom(dir: string, u: KubeconfigUser): KubeconfigUser {
  const exec = u.exec && { ...u.exec, command: u.exec.command?.includes('/') ? resolvedPath(dir, u.exec.command)! : u.exec.command };
  return {
    ...u,
    tokenFile: resolvedPath(dir, u.tokenFile),
    'client-certificate': resolvedPath(dir, u['client-certificate']),
    'client-key': resolvedPath(dir, u['client-key']),
    ...(exec ? { exec } : {}),
  };
}

interface RawFile {
  clusters?: Array<{ name: string; cluster?: KubeconfigCluster }> | null;
  users?: Array<{ name: string; user?: KubeconfigUser }> | null;
  contexts?: Array<{ name: string; context?: KubeconfigContext }> | null;
  'current-context'?: string;
}

function addFirst<T>(map: Map<string, FromFile<T>>, name: string | undefined, value: T | undefined, file: string): void {
  if (name && value && !map.has(name)) map.set(name, { ...value, file });
}

export function loadKubeconfig(paths: string[] = kubeconfigPaths()): MergedKubeconfig {
  const merged: MergedKubeconfig = { files: [], clusters: new Map(), users: new Map(), contexts: new Map(), problems: [] };
  for (const file of paths) {
    if (!existsSync(file)) continue;
    let raw: RawFile | null;
    try {
      raw = yaml().parse(readFileSync(file, 'utf8')) as RawFile | null;
    } catch (err) {
      merged.problems.push(`${file}: ${(err as Error).message}`);
      continue;
    }
    merged.files.push(file);
    if (!raw || typeof raw !== 'object') continue;
    const dir = dirname(file);
    for (const c of raw.clusters ?? []) addFirst(merged.clusters, c?.name, c?.cluster && clusterFrom(dir, c.cluster), file);
    for (const u of raw.users ?? []) addFirst(merged.users, u?.name, userFrom(dir, u?.user ?? {}), file);
    for (const c of raw.contexts ?? []) addFirst(merged.contexts, c?.name, c?.context, file);
    if (!merged.currentContext && raw['current-context']) merged.currentContext = raw['current-context'];
  }
  return merged;
}
