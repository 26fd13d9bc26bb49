// capManagersManager: an object keeps at most ten Update entries. Past that,
// the oldest are merged into one `ancient-changes` entry per apiVersion (the
// first old entry of a version becomes the bucket), keeping the newest time.

import type { Managed } from './managed.ts';
import { managerIdentifier } from './managed.ts';

export const maxUpdateManagers = 10;
export const ancientChangesManager = 'ancient-changes';

function seconds(time: string | undefined): number {
  if (!time) return 0;
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

export function capUpdateManagers(managed: Managed, max = maxUpdateManagers): void {
  const updaters = [...managed.fields].filter(([, v]) => !v.applied).map(([id]) => id);
  if (updaters.length <= max) return;
  updaters.sort((a, b) => seconds(managed.times.get(a)) - seconds(managed.times.get(b)) || (a < b ? -1 : a > b ? 1 : 0));
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const manager = updaters[i];
    const versioned = managed.fields.get(manager)!;
    const time = managed.times.get(manager);
    const version = versioned.apiVersion;
    const bucket = managerIdentifier({ manager: ancientChangesManager, operation: 'Update', apiVersion: version });
    const first = firstOfVersion.get(version);
    if (first === undefined) {
      firstOfVersion.set(version, manager);
      continue;
    }
    if (!managed.fields.has(bucket)) {
      managed.fields.set(bucket, managed.fields.get(first)!);
      managed.fields.delete(first);
    }
    managed.fields.set(bucket, { set: versioned.set.union(managed.fields.get(bucket)!.set), apiVersion: version, applied: false });
    managed.fields.delete(manager);
    length--;
    // The bucket takes the time of the newer update merged into it.
    managed.times.set(bucket, time);
  }
}
