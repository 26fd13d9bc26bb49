// kube-apiserver's group and version priorities (the APIService
// groupPriorityMinimum and versionPriority of each built-in group-version):
// the order of groups in discovery, and what the aggregator's APIServices carry.

export interface Priority {
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
  // metrics-server's own APIService (PodLab serves the group itself, at the same place in discovery).
  'v1beta1.metrics.k8s.io': { group: 100, version: 100 },
};

/** crdregistration: CRDs sort below every built-in group, their versions kube-like among themselves. */
export const customPriority: Priority = { group: 1000, version: 100 };


/** Discovery order of two API groups: higher group priority first, then by name (the aggregator's sort). */
export function compareGroups(a: { name: string; version: string }, b: { name: string; version: string }): number {
  // The aggregator lists its own group first.
  const priority = (g: { name: string; version: string }) => (g.name === 'apiregistration.k8s.io' ? Infinity : (apiServicePriorities[`${g.version}.${g.name}`]?.group ?? customPriority.group));
  return priority(b) - priority(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
