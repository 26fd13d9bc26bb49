// A kind's server-printed table, asked for again every few seconds while it
// is shown (as k9s refreshes its views), less often when it is long, and at
// once after an action. An answer for another selection is never shown for
// this one.

import { useMemo, useState } from 'react';
import type { BridgeErrorInfo, ResourceTable, Selection } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { useClusterKey } from '../hooks/useClusterStatus.ts';
import { usePolledCall } from '../hooks/usePolledCall.ts';

const refreshMs = 2_000;
/** A table this long (a cluster's thousands of pods) is asked for less often: each answer carries every row. */
const longTable = 1_000;
const longRefreshMs = 6_000;

export interface ServerTable {
  table?: ResourceTable;
  error?: BridgeErrorInfo;
  refresh: () => void;
}

export function useServerTable(selection: Selection | undefined): ServerTable {
  const clusterKey = useClusterKey();
  const key = selection ? JSON.stringify(selection) : '';
  const [long, setLong] = useState(false);
  const polled = usePolledCall(
    async () => {
      if (!selection) return undefined;
      const table = await requireBridge().call('resources.table', selection);
      setLong(table.rows.length >= longTable);
      return { key, table };
    },
    long ? longRefreshMs : refreshMs,
    [key, clusterKey],
  );
  return useMemo(
    () => ({ table: polled.value?.key === key ? polled.value.table : undefined, error: polled.error, refresh: polled.refresh }),
    [polled.value, polled.error, polled.refresh, key],
  );
}
