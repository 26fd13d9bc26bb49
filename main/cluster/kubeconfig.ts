// Kubeconfigs for a cluster: one written into its data directory, and on
// request merged into ~/.kube/config the way kind does it (cluster, user and
// context all named `podlab-NAME`, current-context switched to it, every
// other entry kept).

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { yaml } from '../kube/yamlLibrary.ts';
import { plainYaml } from '../kube/plainYaml.ts';

export interface KubeconfigInput {
  clusterName: string;
  server: string;
  caCert: string;
  token: string;
}

interface Named<T> {
  name: string;
  [key: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}

export interface Kubeconfig {
  apiVersion: string;
  kind: string;
  clusters: Named<unknown>[];
  users: Named<unknown>[];
  contexts: Named<unknown>[];
  'current-context'?: string;
  preferences?: Record<string, unknown>;
}

export function contextName(clusterName: string): string {
  return `podlab-${clusterName}`;
}

export function buildKubeconfig(input: KubeconfigInput): Kubeconfig {
  const name = contextName(input.clusterName);
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: input.server, 'certificate-authority-data': Buffer.from(input.caCert).toString('base64') } }],
    users: [{ name, user: { token: input.token } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    'current-context': name,
    preferences: {},
  };
}

/** Writes atomically (temp file + rename) and readable by the owner only: it holds a credential. */
function writePrivate(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, content, { mode: 0o600 });
  renameSync(temp, path);
}

/** A person's client certificate, as `kubeadm kubeconfig user` writes it: user NAME, context NAME@podlab-CLUSTER. */
export interface CertificateUser {
  name: string;
  certPem: string;
  keyPem: string;
}

/** The cluster's kubeconfig with its user replaced by a client-certificate user. */
export function buildCertificateKubeconfig(input: Omit<KubeconfigInput, 'token'>, user: CertificateUser): Kubeconfig {
  const cluster = contextName(input.clusterName);
  const context = `${user.name}@${cluster}`;
  const base64 = (pem: string) => Buffer.from(pem).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { server: input.server, 'certificate-authority-data': base64(input.caCert) } }],
    users: [{ name: user.name, user: { 'client-certificate-data': base64(user.certPem), 'client-key-data': base64(user.keyPem) } }],
    contexts: [{ name: context, context: { cluster, user: user.name } }],
    'current-context': context,
    preferences: {},
  };
}

export function kubeconfigYaml(config: Kubeconfig): string {
  return plainYaml(config);
}

/** The server and CA of a kubeconfig PodLab wrote (its first cluster). */
export function clusterOfKubeconfig(path: string): { server: string; caCert: string } {
  const cluster = readKubeconfig(path).clusters[0]?.cluster as { server?: string; 'certificate-authority-data'?: string } | undefined;
  if (!cluster?.server || !cluster['certificate-authority-data']) throw new Error(`${path} names no cluster with a server and a CA`);
  return { server: cluster.server, caCert: Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8') };
}

export function writeKubeconfig(path: string, input: KubeconfigInput): void {
  writePrivate(path, plainYaml(buildKubeconfig(input)));
}

export function defaultUserKubeconfigPath(): string {
  const fromEnv = process.env.KUBECONFIG?.split(process.platform === 'win32' ? ';' : ':')[0];
  return fromEnv || join(homedir(), '.kube', 'config');
}

function upsert(list: Named<unknown>[], entry: Named<unknown>): Named<unknown>[] {
  return [...list.filter((e) => e.name !== entry.name), entry];
}

function readKubeconfig(path: string): Kubeconfig {
  const existing: Kubeconfig = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] };
  if (!existsSync(path)) return existing;
  const parsed = yaml().parse(readFileSync(path, 'utf8')) as Partial<Kubeconfig> | null;
  if (!parsed || typeof parsed !== 'object') return existing;
  return { ...existing, ...parsed, clusters: parsed.clusters ?? [], users: parsed.users ?? [], contexts: parsed.contexts ?? [] };
}

/** Takes the cluster's entries out of a kubeconfig `mergeIntoKubeconfig` wrote them to (a file without them is left untouched). */
export function removeFromKubeconfig(path: string, clusterName: string): void {
  if (!existsSync(path)) return;
  const existing = readKubeconfig(path);
  const name = contextName(clusterName);
  const without = <T extends Named<unknown>>(list: T[]) => list.filter((e) => e.name !== name);
  if (![existing.clusters, existing.users, existing.contexts].some((list) => list.some((e) => e.name === name))) return;
  const next: Kubeconfig = { ...existing, clusters: without(existing.clusters), users: without(existing.users), contexts: without(existing.contexts) };
  if (next['current-context'] === name) next['current-context'] = '';
  writePrivate(path, yaml().stringify(next));
}

/** Merges the cluster's entries into an existing kubeconfig (created if absent) and makes it the current context. */
export function mergeIntoKubeconfig(path: string, input: KubeconfigInput): void {
  const ours = buildKubeconfig(input);
  const existing = readKubeconfig(path);
  const merged: Kubeconfig = {
    ...existing,
    clusters: upsert(existing.clusters, ours.clusters[0]),
    users: upsert(existing.users, ours.users[0]),
    contexts: upsert(existing.contexts, ours.contexts[0]),
    'current-context': ours['current-context'],
  };
  writePrivate(path, yaml().stringify(merged));
}
