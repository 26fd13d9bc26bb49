// The cluster status pushed by the main side, shared by every component.

import { createContext, useContext } from 'react';
import type { ClusterStatus } from '../../preload/api.ts';

export const ClusterStatusContext = createContext<ClusterStatus | undefined>(undefined);

export function useClusterStatus(): ClusterStatus | undefined {
  return useContext(ClusterStatusContext);
}

/** Changes whenever views must start their watches again: another cluster, or the same one running again. */
export function useClusterKey(): string | undefined {
  const status = useClusterStatus();
  return status?.phase === 'running' ? `${status.name}` : undefined;
}
