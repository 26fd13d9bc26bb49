// Reading the configuration the main process writes through Docker's archive
// API. The engine replaces the file in place, so a read may catch it half
// written: such a read is skipped and the next change (or poll) reads it
// again. Polling the file's stat is enough here and survives replacement,
// which inotify watches on the old inode would not.

import { readFile, watchFile } from 'node:fs';
import { CONFIG_VERSION, type AddonConfig } from './config.ts';

const POLL_MS = 250;

export function parseConfig(text: string): AddonConfig | undefined {
  try {
    const config = JSON.parse(text) as AddonConfig;
    if (config?.version !== CONFIG_VERSION || !Array.isArray(config.services) || typeof config.generation !== 'number') return undefined;
    return config;
  } catch {
    return undefined;
  }
}

/** Calls `onConfig` with each new generation found in the file, starting with the current one. */
export function watchConfig(path: string, onConfig: (config: AddonConfig) => void): void {
  let generation = -1;
  const read = () =>
    readFile(path, 'utf8', (error, text) => {
      if (error) return;
      const config = parseConfig(text);
      if (!config) {
        setTimeout(read, POLL_MS);
        return;
      }
      if (config.generation === generation) return;
      generation = config.generation;
      onConfig(config);
    });
  watchFile(path, { interval: POLL_MS }, read);
  read();
}
