// The UI's settings, kept in one small JSON file beside the clusters so the
// desktop app and browser mode share them.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Settings } from '../../preload/api.ts';
import { badRequest } from './bridgeError.ts';

export const defaultSettings: Settings = { theme: 'dark', logTailLines: 500, logTimestamps: false, defaultNamespace: '', dockerEndpoint: '', pauseImage: '' };

/** What DOCKER_HOST accepts: a unix socket, tcp or ssh (docker-modem's schemes), or a Windows named pipe. */
const DOCKER_ENDPOINT = /^(unix:\/\/\/.+|tcp:\/\/[^\s/]+|ssh:\/\/[^\s/]+|npipe:\/\/\/\/\.\/pipe\/.+)$/;
/** An image reference: [registry[:port]/]path[:tag][@digest], no spaces. */
const IMAGE_REFERENCE = /^[a-z0-9]+([._/:-][a-z0-9]+)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

function validated(update: Record<string, unknown>): Partial<Settings> {
  const out: Partial<Settings> = {};
  for (const [key, value] of Object.entries(update)) {
    switch (key) {
      case 'theme':
        if (value !== 'dark' && value !== 'light') throw badRequest('theme must be "dark" or "light"');
        out.theme = value;
        break;
      case 'logTailLines':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100_000) throw badRequest('logTailLines must be an integer from 0 to 100000');
        out.logTailLines = value;
        break;
      case 'logTimestamps':
        if (typeof value !== 'boolean') throw badRequest('logTimestamps must be true or false');
        out.logTimestamps = value;
        break;
      case 'defaultNamespace':
        if (typeof value !== 'string') throw badRequest('defaultNamespace must be a string ("" for all namespaces)');
        out.defaultNamespace = value;
        break;
      case 'dockerEndpoint':
        if (typeof value !== 'string' || (value !== '' && !DOCKER_ENDPOINT.test(value))) throw badRequest('dockerEndpoint must be empty (DOCKER_HOST, else the local socket) or an endpoint such as unix:///var/run/docker.sock or tcp://127.0.0.1:2375');
        out.dockerEndpoint = value;
        break;
      case 'pauseImage':
        if (typeof value !== 'string' || (value !== '' && !IMAGE_REFERENCE.test(value))) throw badRequest('pauseImage must be empty (PodLab\'s default) or an image reference such as registry.k8s.io/pause:3.10');
        out.pauseImage = value;
        break;
      default:
        throw badRequest(`unknown setting "${key}"`);
    }
  }
  return out;
}

export class SettingsStore {
  constructor(private readonly path: string) {}

  get(): Settings {
    if (!existsSync(this.path)) return { ...defaultSettings };
    try {
      return { ...defaultSettings, ...validated(JSON.parse(readFileSync(this.path, 'utf8')) as Record<string, unknown>) };
    } catch {
      // A hand-edited file that no longer parses should not lock the user out of the app.
      return { ...defaultSettings };
    }
  }

  update(update: Record<string, unknown>): Settings {
    const next = { ...this.get(), ...validated(update) };
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(temp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.path);
    return next;
  }
}
