// One context of the merged kubeconfig as something to connect with: the
// server, the namespace the context names, and an EndpointSource that gives
// the TLS settings (CA data or file, insecure-skip-tls-verify,
// tls-server-name), the proxy (proxy-url: http, https or socks5; without one, the environment's
// HTTPS_PROXY and NO_PROXY, as kubectl) and the user's credential (token, tokenFile, client
// certificate and key as data or files, or an exec plugin) for each request.
// Files are read when a request needs them, so a rotated certificate or token
// file is picked up as kubectl would on its next run.

import { readFileSync } from 'node:fs';
import type { Clock } from '../clock.ts';
import type { ApiEndpoint, EndpointSource } from '../client/apiEndpoint.ts';
import { proxyFromEnvironment, type Environment } from '../client/proxy/environmentProxy.ts';
import { parseProxyUrl } from '../client/proxy/proxyUrl.ts';
import { ExecCredentialPlugin } from './execCredential.ts';
import type { KubeconfigCluster, KubeconfigUser, MergedKubeconfig } from './kubeconfigFiles.ts';

export class KubeconfigError extends Error {
  override name = 'KubeconfigError';
}

export interface ContextTarget {
  context: string;
  /** The kubeconfig cluster entry's name and server URL. */
  clusterName: string;
  server: string;
  user: string;
  /** The context's namespace, or default. */
  namespace: string;
  /** The file the context is in. */
  file: string;
  source: EndpointSource;
}

function pemOf(data: string | undefined, file: string | undefined, what: string): string | undefined {
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new KubeconfigError(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function transportOf(cluster: KubeconfigCluster, proxy: Pick<ApiEndpoint, 'proxyUrl' | 'proxySetting'>): Omit<ApiEndpoint, 'url'> {
  const insecure = cluster['insecure-skip-tls-verify'] === true;
  return {
    ...proxy,
    ...(insecure ? { insecureSkipTlsVerify: true } : { caCert: pemOf(cluster['certificate-authority-data'], cluster['certificate-authority'], 'certificate authority') }),
    ...(cluster['tls-server-name'] ? { tlsServerName: cluster['tls-server-name'] } : {}),
  };
}

function unsupportedAuth(name: string, user: KubeconfigUser): string | undefined {
  if (user['auth-provider']) return `user "${name}" uses the auth-provider "${user['auth-provider'].name ?? '?'}", which kubectl itself no longer runs: PodLab supports tokens, client certificates and exec plugins (e.g. kubelogin)`;
  if (user.username !== undefined || user.password !== undefined) return `user "${name}" uses basic authentication (username and password), which Kubernetes removed in 1.19: PodLab supports tokens, client certificates and exec plugins`;
  return undefined;
}

/** The credential fields the user's static settings give (token over tokenFile, as client-go). */
function staticCredential(user: KubeconfigUser): Pick<ApiEndpoint, 'token' | 'clientCert' | 'clientKey'> {
  let token = user.token;
  if (!token && user.tokenFile) token = pemOf(undefined, user.tokenFile, 'token file')!.trim();
  const clientCert = pemOf(user['client-certificate-data'], user['client-certificate'], 'client certificate');
  const clientKey = pemOf(user['client-key-data'], user['client-key'], 'client key');
  return { ...(token ? { token } : {}), ...(clientCert && clientKey ? { clientCert, clientKey } : {}) };
}

/** The cluster's proxy-url, else the one the environment names for its server (checked, so a bad one is refused here). */
function proxyOf(cluster: KubeconfigCluster, clusterName: string, server: string, env: Environment | undefined): Pick<ApiEndpoint, 'proxyUrl' | 'proxySetting'> {
  const fromKubeconfig = cluster['proxy-url'];
  const fromEnvironment = fromKubeconfig ? undefined : proxyFromEnvironment(server, env);
  const proxyUrl = fromKubeconfig ?? fromEnvironment?.url;
  if (!proxyUrl) return {};
  try {
    parseProxyUrl(proxyUrl);
  } catch (err) {
    const where = fromEnvironment ? `proxy "${proxyUrl}" in ${fromEnvironment.variable}, for cluster "${clusterName}"` : `'proxy-url' "${proxyUrl}" for cluster "${clusterName}"`;
    throw new KubeconfigError(`invalid ${where}: ${(err as Error).message}`);
  }
  return { proxyUrl, ...(fromEnvironment ? { proxySetting: fromEnvironment.variable } : {}) };
}

export function contextTarget(config: MergedKubeconfig, name: string, options: { clock?: Clock; env?: Environment } = {}): ContextTarget {
  const context = config.contexts.get(name);
  if (!context) throw new KubeconfigError(`the kubeconfig (${config.files.join(', ') || 'no file'}) has no context "${name}"`);
  const cluster = config.clusters.get(context.cluster);
  if (!cluster?.server) throw new KubeconfigError(`context "${name}" names cluster "${context.cluster}", which ${cluster ? 'has no server' : `is in none of ${config.files.join(', ')}`}`);
  const user = config.users.get(context.user) ?? { file: context.file };
  const refused = unsupportedAuth(context.user, user);
  if (refused) throw new KubeconfigError(refused);
  const url = cluster.server.replace(/\/+$/, '');
  if (!url.startsWith('https://')) throw new KubeconfigError(`cluster "${context.cluster}" has server ${cluster.server}: PodLab talks to API servers over HTTPS only`);
  const proxy = proxyOf(cluster, context.cluster, url, options.env);
  const plugin = user.exec && new ExecCredentialPlugin(user.exec, { user: context.user, cluster, clock: options.clock });
  const source: EndpointSource = {
    async current() {
      const endpoint: ApiEndpoint = { url, ...transportOf(cluster, proxy), ...staticCredential(user) };
      if (!plugin) return endpoint;
      const fromPlugin = await plugin.credential();
      return { ...endpoint, ...(fromPlugin.token ? { token: fromPlugin.token } : {}), ...(fromPlugin.clientCert ? { clientCert: fromPlugin.clientCert, clientKey: fromPlugin.clientKey } : {}) };
    },
    invalidate: () => plugin?.invalidate(),
  };
  return { context: name, clusterName: context.cluster, server: url, user: context.user, namespace: context.namespace || 'default', file: context.file, source };
}
