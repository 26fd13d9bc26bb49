// Every resource type PodLab serves, and the rule each one's metadata.name follows.

import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { apiservices } from './apiservices.ts';
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, nameIsPathSegment, type NameValidator } from '../validation/nameValidators.ts';
import { selfsubjectreviews, tokenreviews } from './authentication.k8s.io.ts';
import { localsubjectaccessreviews, selfsubjectaccessreviews, selfsubjectrulesreviews, subjectaccessreviews } from './authorization.k8s.io.ts';
import { clusterrolebindings } from './clusterrolebindings.ts';
import { clusterroles } from './clusterroles.ts';
import { configmaps } from './configmaps.ts';
import { controllerrevisions } from './controllerrevisions.ts';
import { cronjobs } from './cronjobs.ts';
import { customresourcedefinitions } from './customresourcedefinitions.ts';
import { daemonsets } from './daemonsets.ts';
import { deployments } from './deployments.ts';
import { endpoints } from './endpoints.ts';
import { endpointslices } from './endpointslices.ts';
import { events } from './events.ts';
import { eventsV1 } from './events.k8s.io.ts';
import { ingressclasses } from './ingressclasses.ts';
import { ingresses } from './ingresses.ts';
import { networkpolicies } from './networkpolicies.ts';
import { horizontalpodautoscalers, horizontalpodautoscalersV1 } from './horizontalpodautoscalers.ts';
import { jobs } from './jobs.ts';
import { leases } from './leases.ts';
import { certificatesigningrequests } from './certificatesigningrequests.ts';
import { runtimeclasses } from './runtimeclasses.ts';
import { componentstatuses } from './componentstatuses.ts';
import { bindings } from './bindings.ts';
import { limitranges } from './limitranges.ts';
import { resourcequotas } from './resourcequotas.ts';
import { nodeMetrics, podMetrics } from './metrics.k8s.io.ts';
import { mutatingwebhookconfigurations } from './mutatingwebhookconfigurations.ts';
import { namespaces } from './namespaces.ts';
import { csidrivers } from './csidrivers.ts';
import { csinodes } from './csinodes.ts';
import { csistoragecapacities } from './csistoragecapacities.ts';
import { persistentvolumeclaims } from './persistentvolumeclaims.ts';
import { persistentvolumes } from './persistentvolumes.ts';
import { storageclasses } from './storageclasses.ts';
import { volumeattachments } from './volumeattachments.ts';
import { nodes } from './nodes.ts';
import { poddisruptionbudgets } from './poddisruptionbudgets.ts';
import { priorityclasses } from './priorityclasses.ts';
import { podtemplates } from './podtemplates.ts';
import { replicationcontrollers } from './replicationcontrollers.ts';
import { pods } from './pods.ts';
import { replicasets } from './replicasets.ts';
import { rolebindings } from './rolebindings.ts';
import { roles } from './roles.ts';
import { secrets } from './secrets.ts';
import { serviceaccounts } from './serviceaccounts.ts';
import { services } from './services.ts';
import { statefulsets } from './statefulsets.ts';
import { validatingadmissionpolicies } from './validatingadmissionpolicies.ts';
import { validatingadmissionpolicybindings } from './validatingadmissionpolicybindings.ts';
import { validatingwebhookconfigurations } from './validatingwebhookconfigurations.ts';

// The name rule of each kind (the ValidateXxxName Kubernetes passes to ValidateObjectMeta);
// kinds not listed use DNS subdomains.
const nameRules = new Map<ResourceDefinition, NameValidator>([
  [namespaces, nameIsDNSLabel],
  [services, nameIsDNS1035Label],
  [statefulsets, nameIsDNSLabel],
  [roles, nameIsPathSegment],
  [clusterroles, nameIsPathSegment],
  [rolebindings, nameIsPathSegment],
  [clusterrolebindings, nameIsPathSegment],
  [apiservices, nameIsPathSegment],
]);

const definitions: ResourceDefinition[] = [
  namespaces,
  pods,
  nodes,
  bindings,
  componentstatuses,
  events,
  // The aggregator's own group comes first in /apis, as kube-apiserver lists it.
  apiservices,
  eventsV1,
  configmaps,
  secrets,
  serviceaccounts,
  services,
  endpoints,
  endpointslices,
  resourcequotas,
  limitranges,
  replicationcontrollers,
  podtemplates,
  ingressclasses,
  ingresses,
  networkpolicies,
  persistentvolumes,
  persistentvolumeclaims,
  storageclasses,
  csidrivers,
  csinodes,
  volumeattachments,
  csistoragecapacities,
  leases,
  deployments,
  replicasets,
  statefulsets,
  daemonsets,
  controllerrevisions,
  jobs,
  cronjobs,
  horizontalpodautoscalers,
  horizontalpodautoscalersV1,
  certificatesigningrequests,
  poddisruptionbudgets,
  priorityclasses,
  runtimeclasses,
  roles,
  rolebindings,
  clusterroles,
  clusterrolebindings,
  selfsubjectaccessreviews,
  subjectaccessreviews,
  localsubjectaccessreviews,
  selfsubjectrulesreviews,
  tokenreviews,
  selfsubjectreviews,
  customresourcedefinitions,
  mutatingwebhookconfigurations,
  validatingwebhookconfigurations,
  validatingadmissionpolicies,
  validatingadmissionpolicybindings,
  nodeMetrics,
  podMetrics,
];

/** Every served kind, each with the name rule the registry validates metadata.name by. */
export const allResources: ResourceDefinition[] = definitions.map((def) => ({ ...def, nameValidator: nameRules.get(def) ?? nameIsDNSSubdomain }));

/** The name validator for validateObjectMeta(meta, def.namespaced, nameValidatorFor(def)). */
export function nameValidatorFor(def: Pick<ResourceDefinition, 'group' | 'plural'>): NameValidator {
  for (const [known, rule] of nameRules) if (known.group === def.group && known.plural === def.plural) return rule;
  return nameIsDNSSubdomain;
}
