// The APIService objects of the group-versions PodLab serves, kept as
// kube-apiserver's controllers keep them: autoregister creates one per
// built-in group-version (`v1.apps`, `v1.` for core) with Kubernetes'
// priority table and the label `kube-aggregator.kubernetes.io/automanaged:
// onstart`; crdregistration one per served CRD version, priority 1000/100,
// label `true`, removed with the version. A managed object whose group-version
// is no longer served is deleted; objects without the label (a user's own) are
// left alone. All are local, so each is Available (reason Local), as the
// availability controller keeps them. Call syncAPIServices at start and
// again whenever the served group-versions change.

import type { KubeClient } from '../kube/client/types.ts';
import { isApiError } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';
import { localAvailableCondition } from '../apiserver/resources/apiservices.ts';
import { semanticEqual } from '../apiserver/validation/fieldErrors.ts';
import { apiServicePriorities, customPriority } from '../apiserver/groupPriorities.ts';

export const AUTOMANAGED_LABEL = 'kube-aggregator.kubernetes.io/automanaged';

/** The aggregator serves its own group without an APIService. */
const AGGREGATOR_GROUP = 'apiregistration.k8s.io';

export interface ServedGroupVersion {
  group: string;
  version: string;
}

const apiServicesRef = { group: AGGREGATOR_GROUP, version: 'v1', plural: 'apiservices' };

/** The APIService kube-apiserver would keep for a served group-version: built-in if its priority is known, else a CRD's. */
export function desiredAPIService({ group, version }: ServedGroupVersion): KubeObject {
  const name = `${version}.${group}`;
  const builtIn = apiServicePriorities[name];
  const priority = builtIn ?? customPriority;
  return {
    apiVersion: `${AGGREGATOR_GROUP}/v1`,
    kind: 'APIService',
    metadata: { name, labels: { [AUTOMANAGED_LABEL]: builtIn ? 'onstart' : 'true' } },
    spec: { service: null, group, version, groupPriorityMinimum: priority.group, versionPriority: priority.version },
  };
}

/** Creates, updates and deletes the managed APIServices so that there is one per served group-version. */
export async function syncAPIServices(client: KubeClient, groupVersions: ServedGroupVersion[], now: () => Date = () => new Date()): Promise<void> {
  const apiServices = client.resource(apiServicesRef);
  const desired = new Map(groupVersions.filter((gv) => gv.group !== AGGREGATOR_GROUP).map((gv) => [`${gv.version}.${gv.group}`, desiredAPIService(gv)]));
  const existing = new Map((await apiServices.list()).items.map((item) => [item.metadata.name ?? '', item]));
  for (const [name, wanted] of desired) {
    const current = existing.get(name);
    if (!current) {
      await ignoring('AlreadyExists', apiServices.create(undefined, wanted));
      continue;
    }
    if (!isManaged(current)) continue;
    let synced = current;
    if (!semanticEqual(current.spec, wanted.spec)) {
      synced = await apiServices.update(undefined, { ...current, spec: wanted.spec });
    }
    if (!isLocallyAvailable(synced)) {
      await apiServices.updateStatus(undefined, { ...synced, status: { conditions: [localAvailableCondition(now())] } });
    }
  }
  for (const [name, current] of existing) {
    if (!desired.has(name) && isManaged(current)) await ignoring('NotFound', apiServices.delete(undefined, name));
  }
}

/**
 * Syncs now, then after every change of what is served (a CRD version
 * coming or going), one sync at a time; returns the unsubscribe.
 */
export async function keepAPIServicesSynced(
  client: KubeClient,
  served: { groupVersions(): ServedGroupVersion[]; onChange(listener: () => void): () => void },
  onError: (err: unknown) => void,
): Promise<() => void> {
  let queue = syncAPIServices(client, served.groupVersions());
  await queue;
  return served.onChange(() => {
    queue = queue.catch(() => undefined).then(() => syncAPIServices(client, served.groupVersions()));
    queue.catch(onError);
  });
}

function isManaged(apiService: KubeObject): boolean {
  const value = apiService.metadata.labels?.[AUTOMANAGED_LABEL];
  return value === 'onstart' || value === 'true';
}

function isLocallyAvailable(apiService: KubeObject): boolean {
  const conditions = (apiService.status as { conditions?: Array<{ type?: string; status?: string; reason?: string }> } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Available' && c.status === 'True' && c.reason === 'Local');
}

async function ignoring(reason: string, request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (err) {
    if (!isApiError(err, reason)) throw err;
  }
}
