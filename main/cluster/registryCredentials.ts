// Registry logins for the kubelets, kept by PodLab as a node's
// /var/lib/kubelet/config.json is kept on a Kubernetes node: the kubelet
// tries a pod's imagePullSecrets first, then these. One file in Docker's
// config.json format under $PODLAB_HOME (owner-only), shared by every
// cluster; read at each pull so a change applies without a restart.
// Passwords are written, never read back out to the UI.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { normalizeRegistryKey } from '../kubelet/pullSecrets.ts';
import { podlabHome } from './dataDir.ts';

export interface RegistryLogin {
  server: string;
  username: string;
}

interface DockerConfig {
  auths: Record<string, { auth: string }>;
}

export class RegistryCredentialError extends Error {}

/** Host[:port] with no scheme or path, as image names spell registries. */
const SERVER = /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?(?::[0-9]{1,5})?$/;

export function defaultRegistryCredentialsPath(): string {
  return join(podlabHome(), 'registry-auth.json');
}

export class RegistryCredentials {
  constructor(readonly path = defaultRegistryCredentialsPath()) {}

  private read(): DockerConfig {
    if (!existsSync(this.path)) return { auths: {} };
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<DockerConfig>;
      return { auths: typeof parsed.auths === 'object' && parsed.auths !== null ? parsed.auths : {} };
    } catch {
      // A broken file gives no logins (pulls go anonymous) rather than stopping every pull.
      return { auths: {} };
    }
  }

  private write(config: DockerConfig): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const temp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.path);
  }

  list(): RegistryLogin[] {
    return Object.entries(this.read().auths)
      .map(([server, entry]) => {
        const decoded = Buffer.from(entry?.auth ?? '', 'base64').toString('utf8');
        return { server, username: decoded.slice(0, Math.max(0, decoded.indexOf(':'))) };
      })
      .sort((a, b) => a.server.localeCompare(b.server));
  }

  set(server: string, username: string, password: string): RegistryLogin[] {
    const host = normalizeRegistryKey(server);
    if (!SERVER.test(host)) throw new RegistryCredentialError(`invalid registry server "${server}": give a host such as ghcr.io or registry.example.com:5000`);
    if (!username || username.includes(':')) throw new RegistryCredentialError('username is required and cannot contain ":"');
    if (!password) throw new RegistryCredentialError('password (or access token) is required');
    const config = this.read();
    config.auths[host] = { auth: Buffer.from(`${username}:${password}`).toString('base64') };
    this.write(config);
    return this.list();
  }

  remove(server: string): RegistryLogin[] {
    const host = normalizeRegistryKey(server);
    const config = this.read();
    if (!Object.hasOwn(config.auths, host)) throw new RegistryCredentialError(`no credentials are kept for "${host}"`);
    delete config.auths[host];
    this.write(config);
    return this.list();
  }

  /** The file's contents, as a pull secret's `.dockerconfigjson` payload (none when there is no file). */
  payloads(): Buffer[] {
    return existsSync(this.path) ? [Buffer.from(JSON.stringify(this.read()))] : [];
  }
}
