// A pod's probe runs, live: the history the kubelet keeps, then each run as
// it completes. Follows again when the pod lands on a node (or another one),
// since the runs live in that node's kubelet.

import { useEffect, useState } from 'react';
import type { BridgeErrorInfo, ContainerProbeRuns, PodProbeHistory, ProbeEvent } from '../../preload/api.ts';
import { errorInfo, requireBridge } from '../bridge.ts';
import { useClusterKey } from './useClusterStatus.ts';

/** As many runs as the kubelet keeps per probe, so the live view never shows more than a reload would. */
const keptRuns = 50;

export interface LiveProbeHistory {
  history?: PodProbeHistory;
  error?: BridgeErrorInfo;
}

function withRun(probes: ContainerProbeRuns[], event: ProbeEvent): ContainerProbeRuns[] {
  return probes.map((p) => (p.container === event.container && p.kind === event.kind ? { ...p, runs: [...p.runs, event.run].slice(-keptRuns) } : p));
}

export function useProbeHistory(namespace: string, name: string, uid: string | undefined, nodeName: string | undefined): LiveProbeHistory {
  const [state, setState] = useState<LiveProbeHistory>({});
  const clusterKey = useClusterKey();
  useEffect(() => {
    if (!clusterKey) return;
    const bridge = requireBridge();
    let stopped = false;
    let followId: string | undefined;
    let unsubscribe: (() => void) | undefined;
    bridge.call('probes.follow', { namespace, name }).then(
      (started) => {
        followId = started.followId;
        if (stopped) return void bridge.call('probes.unfollow', { followId });
        setState({ history: started.history });
        unsubscribe = bridge.stream('probes', followId, (event) =>
          setState((previous) => (previous.history ? { history: { ...previous.history, probes: withRun(previous.history.probes, event) } } : previous)),
        );
      },
      (err) => setState({ error: errorInfo(err) }),
    );
    return () => {
      stopped = true;
      unsubscribe?.();
      if (followId) void bridge.call('probes.unfollow', { followId }).catch(() => undefined);
    };
  }, [namespace, name, uid, nodeName, clusterKey]);
  return state;
}
