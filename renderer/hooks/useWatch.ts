// A live list of the objects of one selection: listed, then kept current by
// the watch the main side runs for it. Restarts when the selection or the
// cluster changes.

import { useLayoutEffect, useState } from 'react';
import type { BridgeErrorInfo, KubeObject, Selection } from '../../preload/api.ts';
import { errorInfo, requireBridge } from '../bridge.ts';
import { useClusterKey } from './useClusterStatus.ts';

export interface LiveList<T extends KubeObject> {
  items: T[];
  synced: boolean;
  error?: BridgeErrorInfo;
}

export function objectKey(o: KubeObject): string {
  return o.metadata.uid ?? `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

export function useWatch<T extends KubeObject = KubeObject>(selection: Selection | undefined): LiveList<T> {
  const [state, setState] = useState<LiveList<T>>({ items: [], synced: false });
  const clusterKey = useClusterKey();
  const key = selection ? JSON.stringify(selection) : '';
  // Started as the view is committed, not after the browser has painted it: a window's first view is a large
  // paint, and its lists were asked for only after it (50-120 ms later on a loaded two-core machine).
  useLayoutEffect(() => {
    if (!selection || !clusterKey) return;
    const bridge = requireBridge();
    const objects = new Map<string, T>();
    let stopped = false;
    let watchId: string | undefined;
    let unsubscribe: (() => void) | undefined;
    // A view's first watch starts from the empty list it already shows: no second render before its paint.
    setState((previous) => (previous.items.length === 0 && !previous.synced && !previous.error ? previous : { items: [], synced: false }));
    bridge.call('watch.start', selection).then(
      (started) => {
        watchId = started.watchId;
        if (stopped) return void bridge.call('watch.stop', { watchId });
        unsubscribe = bridge.stream('watch', watchId, (event) => {
          if (event.sync) {
            objects.clear();
            for (const o of event.sync) objects.set(objectKey(o), o as T);
          }
          for (const change of event.changes ?? []) {
            if (change.type === 'DELETED') objects.delete(objectKey(change.object));
            else objects.set(objectKey(change.object), change.object as T);
          }
          setState((previous) => ({ items: [...objects.values()], synced: previous.synced || !!event.sync, error: event.error }));
        });
      },
      (err) => setState({ items: [], synced: false, error: errorInfo(err) }),
    );
    return () => {
      stopped = true;
      unsubscribe?.();
      if (watchId) void bridge.call('watch.stop', { watchId }).catch(() => undefined);
    };
    // The selection is compared by value through its JSON.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, clusterKey]);
  return state;
}
