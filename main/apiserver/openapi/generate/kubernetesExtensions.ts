// What the client-node models lost from Kubernetes' types.go: the struct
// tags `patchStrategy`/`patchMergeKey` and the `+listType`/`+listMapKey`
// markers (published as x-kubernetes-* extensions, which kubectl's
// strategic merge patch and PodLab's own patch code read), and which string
// fields are really resource.Quantity. Copied by hand from
// k8s.io/api/{core,apps,policy}/v1/types.go and
// k8s.io/apimachinery/pkg/apis/meta/v1/types.go; the generator fails on any
// entry whose type or field does not exist, so a typo cannot slip through.

import { metaV1Prefix } from './kubernetesPackages.ts';

export interface FieldExtensions {
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
}

/** A list merged by key: `patchStrategy:"merge" patchMergeKey:"<key>"`, `+listType=map`. */
function mergeByKey(key: string, mapKeys: string[] = [key], strategy = 'merge'): FieldExtensions {
  return {
    'x-kubernetes-list-map-keys': mapKeys,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-patch-merge-key': key,
    'x-kubernetes-patch-strategy': strategy,
  };
}

const mergeSet: FieldExtensions = { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' };
const conditionsByType = { conditions: mergeByKey('type') };
const core = 'io.k8s.api.core.v1';
const apps = 'io.k8s.api.apps.v1';

const containerLists = {
  env: mergeByKey('name'),
  ports: mergeByKey('containerPort', ['containerPort', 'protocol']),
  volumeDevices: mergeByKey('devicePath'),
  volumeMounts: mergeByKey('mountPath'),
};

export const fieldExtensions: Record<string, Record<string, FieldExtensions>> = {
  [`${metaV1Prefix}.ObjectMeta`]: {
    finalizers: mergeSet,
    ownerReferences: mergeByKey('uid'),
  },
  [`${core}.PodSpec`]: {
    containers: mergeByKey('name'),
    ephemeralContainers: mergeByKey('name'),
    hostAliases: mergeByKey('ip'),
    imagePullSecrets: mergeByKey('name'),
    initContainers: mergeByKey('name'),
    resourceClaims: mergeByKey('name', ['name'], 'merge,retainKeys'),
    schedulingGates: mergeByKey('name'),
    topologySpreadConstraints: mergeByKey('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    volumes: mergeByKey('name', ['name'], 'merge,retainKeys'),
  },
  [`${core}.Container`]: containerLists,
  [`${core}.EphemeralContainer`]: containerLists,
  [`${core}.PodStatus`]: {
    ...conditionsByType,
    hostIPs: { 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-patch-merge-key': 'ip', 'x-kubernetes-patch-strategy': 'merge' },
    podIPs: mergeByKey('ip'),
    resourceClaimStatuses: mergeByKey('name', ['name'], 'merge,retainKeys'),
  },
  [`${core}.NodeSpec`]: { podCIDRs: mergeSet },
  [`${core}.NodeStatus`]: { ...conditionsByType, addresses: mergeByKey('type') },
  [`${core}.ServiceSpec`]: { ports: mergeByKey('port', ['port', 'protocol']) },
  [`${core}.ServiceStatus`]: conditionsByType,
  [`${core}.ServiceAccount`]: { secrets: mergeByKey('name') },
  [`${core}.NamespaceStatus`]: conditionsByType,
  [`${core}.PersistentVolumeClaimStatus`]: conditionsByType,
  [`${core}.ReplicationControllerStatus`]: conditionsByType,
  [`${core}.ComponentStatus`]: conditionsByType,
  [`${apps}.DeploymentSpec`]: { strategy: { 'x-kubernetes-patch-strategy': 'retainKeys' } },
  [`${apps}.DeploymentStatus`]: conditionsByType,
  [`${apps}.ReplicaSetStatus`]: conditionsByType,
  [`${apps}.StatefulSetStatus`]: conditionsByType,
  [`${apps}.DaemonSetStatus`]: conditionsByType,
  ['io.k8s.api.policy.v1.PodDisruptionBudgetSpec']: { selector: { 'x-kubernetes-patch-strategy': 'replace' } },
  ['io.k8s.api.policy.v1.PodDisruptionBudgetStatus']: conditionsByType,
};

/** Fields that are resource.Quantity (or maps of it), which the models inline as strings. */
export const quantityFields: Record<string, string[]> = {
  [`${core}.ResourceRequirements`]: ['limits', 'requests'],
  [`${core}.VolumeResourceRequirements`]: ['limits', 'requests'],
  [`${core}.EmptyDirVolumeSource`]: ['sizeLimit'],
  [`${core}.ResourceFieldSelector`]: ['divisor'],
  [`${core}.NodeStatus`]: ['allocatable', 'capacity'],
  [`${core}.PersistentVolumeSpec`]: ['capacity'],
  [`${core}.PersistentVolumeClaimStatus`]: ['allocatedResources', 'capacity'],
  [`${core}.ResourceQuotaSpec`]: ['hard'],
  [`${core}.ResourceQuotaStatus`]: ['hard', 'used'],
  [`${core}.LimitRangeItem`]: ['default', 'defaultRequest', 'max', 'maxLimitRequestRatio', 'min'],
  [`${core}.ContainerStatus`]: ['allocatedResources'],
  [`${core}.PodSpec`]: ['overhead'],
};

/** `any` fields whose Kubernetes type is not runtime.RawExtension. */
export const anyFieldTypes: Record<string, Record<string, string>> = {
  [`${metaV1Prefix}.ManagedFieldsEntry`]: { fieldsV1: `${metaV1Prefix}.FieldsV1` },
};

/** Descriptions Kubernetes gives fields that reference another type; the models dropped those. */
export const refFieldDescriptions: Record<string, string> = {
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta':
    "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
  'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta':
    'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
};
