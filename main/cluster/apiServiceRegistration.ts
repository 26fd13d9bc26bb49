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

import type { KubeClient } from '../apiserver/client/types.ts';
import { isApiError } from '../apiserver/client/types.ts';
import type { KubeObject } from '../apiserver/meta/objects.ts';
import { localAvailableCondition } from '../apiserver/resources/apiservices.ts';
import { semanticEqual } from '../apiserver/validation/fieldErrors.ts';

export const AUTOMANAGED_LABEL = 'kube-aggregator.kubernetes.io/automanaged';

interface Priority {
  group: number;
  version: number;
}

/**
 * kube-apiserver's apiVersionPriorities (DefaultGenericAPIServicePriorities
 * merged with the kube-apiserver's own): the order of groups in discovery
 * and of versions within them.
 */
export const apiServicePriorities: Record<string, Priority> = {
  'v1.': { group: 18000, version: 1 },
  'v1.apps': { group: 17800, version: 15 },
  'v1.events.k8s.io': { group: 17750, version: 15 },
  'v1beta1.events.k8s.io': { group: 17750, version: 5 },
  'v1.authentication.k8s.io': { group: 17700, version: 15 },
  'v1beta1.authentication.k8s.io': { group: 17700, version: 9 },
  'v1alpha1.authentication.k8s.io': { group: 17700, version: 1 },
  'v1.authorization.k8s.io': { group: 17600, version: 15 },
  'v1.autoscaling': { group: 17500, version: 15 },
  'v2.autoscaling': { group: 17500, version: 30 },
  'v2beta1.autoscaling': { group: 17500, version: 9 },
  'v2beta2.autoscaling': { group: 17500, version: 1 },
  'v1.batch': { group: 17400, version: 15 },
  'v1beta1.batch': { group: 17400, version: 9 },
  'v2alpha1.batch': { group: 17400, version: 9 },
  'v1.certificates.k8s.io': { group: 17300, version: 15 },
  'v1beta1.certificates.k8s.io': { group: 17300, version: 9 },
  'v1alpha1.certificates.k8s.io': { group: 17300, version: 1 },
  'v1.networking.k8s.io': { group: 17200, version: 15 },
  'v1beta1.networking.k8s.io': { group: 17200, version: 9 },
  'v1.policy': { group: 17100, version: 15 },
  'v1beta1.policy': { group: 17100, version: 9 },
  'v1.rbac.authorization.k8s.io': { group: 17000, version: 15 },
  'v1.storage.k8s.io': { group: 16800, version: 15 },
  'v1beta1.storage.k8s.io': { group: 16800, version: 9 },
  'v1alpha1.storage.k8s.io': { group: 16800, version: 1 },
  'v1.apiextensions.k8s.io': { group: 16700, version: 15 },
  'v1.admissionregistration.k8s.io': { group: 16700, version: 15 },
  'v1beta1.admissionregistration.k8s.io': { group: 16700, version: 12 },
  'v1alpha1.admissionregistration.k8s.io': { group: 16700, version: 9 },
  'v1.scheduling.k8s.io': { group: 16600, version: 15 },
  'v1.coordination.k8s.io': { group: 16500, version: 15 },
  'v1beta1.coordination.k8s.io': { group: 16500, version: 13 },
  'v1alpha2.coordination.k8s.io': { group: 16500, version: 12 },
  'v1.node.k8s.io': { group: 16300, version: 15 },
  'v1beta1.node.k8s.io': { group: 16300, version: 9 },
  'v1alpha1.node.k8s.io': { group: 16300, version: 1 },
  'v1.discovery.k8s.io': { group: 16200, version: 15 },
  'v1beta1.discovery.k8s.io': { group: 16200, version: 12 },
  'v1.flowcontrol.apiserver.k8s.io': { group: 16100, version: 21 },
  'v1beta3.flowcontrol.apiserver.k8s.io': { group: 16100, version: 18 },
  'v1beta2.flowcontrol.apiserver.k8s.io': { group: 16100, version: 15 },
  'v1beta1.flowcontrol.apiserver.k8s.io': { group: 16100, version: 12 },
  'v1alpha1.flowcontrol.apiserver.k8s.io': { group: 16100, version: 9 },
  'v1alpha1.internal.apiserver.k8s.io': { group: 16000, version: 9 },
  'v1alpha3.resource.k8s.io': { group: 15900, version: 9 },
};

/** crdregistration: CRDs sort below every built-in group, their versions kube-like among themselves. */
const customPriority: Priority = { group: 1000, version: 100 };

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
