// The kinds the API serves, kept current: discovery is read again shortly
// after any CustomResourceDefinition changes (a CRD established, or deleted),
// and every little while for changes no watch reports (an aggregated API on
// another cluster).

import { useEffect, useState } from 'react';
import type { ApiGroupKinds, BridgeErrorInfo, KubeObject } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { useClusterKey } from '../hooks/useClusterStatus.ts';
import { usePolledCall } from '../hooks/usePolledCall.ts';
import { useWatch } from '../hooks/useWatch.ts';
import { resolveKind } from './kindTitle.ts';

const refreshMs = 15_000;
/** The API server serves a CRD's kind right after it writes Established: a short wait lets discovery catch up. */
const settleMs = 300;

export interface ServedKinds {
  groups?: ApiGroupKinds[];
  error?: BridgeErrorInfo;
}

function useSettled(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function useKinds(): ServedKinds {
  const clusterKey = useClusterKey();
  const [crdResource, setCrdResource] = useState<ApiGroupKinds['kinds'][number]['resource']>();
  const crds = useWatch<KubeObject>(crdResource ? { resource: crdResource } : undefined);
  const crdState = useSettled(crds.items.map((c) => `${c.metadata.uid}@${c.metadata.resourceVersion}`).join(','), settleMs);
  const kinds = usePolledCall(() => requireBridge().call('resources.kinds'), refreshMs, [clusterKey, crdState]);
  // Watch CRDs only where discovery says they are served, in the version it serves them in.
  const served = kinds.value && resolveKind(kinds.value, 'apiextensions.k8s.io', 'CustomResourceDefinition')?.resource;
  const servedKey = served ? JSON.stringify(served) : '';
  useEffect(() => setCrdResource(served), [servedKey]); // eslint-disable-line react-hooks/exhaustive-deps
  return { groups: kinds.value, error: kinds.value ? undefined : kinds.error };
}
