// Registry credentials from a pod's imagePullSecrets
// (kubernetes.io/dockerconfigjson and the older dockercfg), matched to the
// image's registry as the kubelet's credential keyring matches them.

import type { RegistryAuth } from '../runtime/runtime.ts';

const DOCKER_HUB = 'docker.io';

/** The registry host of an image reference: `docker.io` for `busybox` or `library/busybox`. */
export function registryHost(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return DOCKER_HUB;
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : DOCKER_HUB;
}

/** A config.json key (`https://index.docker.io/v1/`, `ghcr.io`) as the registry host images name. */
export function normalizeRegistryKey(key: string): string {
  const host = key.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').split('/')[0] ?? '';
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? DOCKER_HUB : host;
}

interface DockerConfigEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** Credentials for `image` from secret payloads (`.dockerconfigjson` or `.dockercfg` contents), if any match. */
/** The login a pull uses, looked up only when a pull happens (most syncs start nothing, or find the image present). */
export type PullAuth = () => Promise<RegistryAuth | undefined>;

export function authForImage(image: string, payloads: Buffer[]): RegistryAuth | undefined {
  const host = registryHost(image);
  for (const payload of payloads) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    } catch {
      continue;
    }
    const auths = (parsed.auths ?? parsed) as Record<string, DockerConfigEntry>;
    for (const [key, entry] of Object.entries(auths)) {
      if (normalizeRegistryKey(key) !== host || typeof entry !== 'object' || entry === null) continue;
      const auth: RegistryAuth = { serverAddress: key };
      let { username, password } = entry;
      if (entry.auth && !username) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        username = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
      }
      if (username) auth.username = username;
      if (password) auth.password = password;
      if (entry.identitytoken) auth.identityToken = entry.identitytoken;
      if (entry.registrytoken) auth.registryToken = entry.registrytoken;
      return auth;
    }
  }
  return undefined;
}
