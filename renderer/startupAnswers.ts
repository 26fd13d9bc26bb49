// What the window asks first (the cluster's status and the settings), asked
// while its script loads rather than from App's first effect: React runs that
// effect only after it has drawn and painted "Connecting…", which held both
// questions back by up to 0.2 s on a loaded two-core machine, in front of
// everything the Pods view then asks. Status events are listened to from the
// same moment, so none is missed between the answer and App's subscription.

import type { ClusterStatus, Settings } from '../preload/api.ts';
import type { Bridge } from './bridge.ts';

export interface StartupAnswers {
  /** Calls `listener` with the newest status now (when one came) and with each later one. */
  onStatus(listener: (status: ClusterStatus) => void): () => void;
  /** Rejects when the status could not be asked for. */
  readonly statusAsked: Promise<unknown>;
  readonly settings: Promise<Settings>;
}

export function askAtStartup(bridge: Bridge): StartupAnswers {
  let latest: ClusterStatus | undefined;
  const listeners = new Set<(status: ClusterStatus) => void>();
  // Answers and events come over one ordered connection: the last to arrive is the newest.
  const deliver = (status: ClusterStatus) => {
    latest = status;
    for (const listener of listeners) listener(status);
  };
  bridge.on('cluster', deliver);
  const statusAsked = bridge.call('cluster.status').then(deliver);
  const settings = bridge.call('settings.get');
  // App handles both failures; until it subscribes they are not unhandled.
  statusAsked.catch(() => undefined);
  settings.catch(() => undefined);
  return {
    onStatus(listener) {
      listeners.add(listener);
      if (latest) listener(latest);
      return () => listeners.delete(listener);
    },
    statusAsked,
    settings,
  };
}
