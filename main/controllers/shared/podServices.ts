// Which Services a pod change concerns (GetServicesToUpdateOnPodChange): the
// ones whose selector matches the pod, before or after the change.

import { mapSelectorMatches } from './selectors.ts';
import { serviceSelector } from './servicePods.ts';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import type { Pod, Service } from './types.ts';

export function servicesForPod(services: SharedInformer<Service>, old: Pod | undefined, cur: Pod): Service[] {
  return services.list(cur.metadata.namespace ?? '').filter((service) => {
    const selector = serviceSelector(service);
    if (!selector) return false;
    return mapSelectorMatches(selector, cur.metadata.labels) || (!!old && mapSelectorMatches(selector, old.metadata.labels));
  });
}
