// Where each Kubernetes type lives. The client-node models dropped the Go
// package from the names (`io.k8s.api.core.v1.PodSpec` became `V1PodSpec`),
// so the package of a model is found by walking from the root kinds of each
// package in order: a type reached first from core/v1's kinds is core/v1's.
// Only the groups PodLab serves are listed.

export interface KubernetesPackage {
  /** Definition name prefix: `io.k8s.api.core.v1`. */
  prefix: string;
  group: string;
  version: string;
  /** client-node model names of the kinds of this group-version (lists included). */
  kinds: string[];
}

const withLists = (...names: string[]) => names.flatMap((n) => [n, `${n}List`]);

export const metaV1Prefix = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** In walking order: meta first (everything references it), then core, then the rest. */
export const kubernetesPackages: KubernetesPackage[] = [
  {
    prefix: metaV1Prefix,
    group: '',
    version: 'v1',
    kinds: [
      'V1APIGroup', 'V1APIGroupList', 'V1APIResource', 'V1APIResourceList', 'V1APIVersions',
      'V1Condition', 'V1DeleteOptions', 'V1FieldSelectorRequirement', 'V1GroupVersionForDiscovery', 'V1LabelSelector',
      'V1LabelSelectorRequirement', 'V1ListMeta', 'V1ManagedFieldsEntry', 'V1ObjectMeta',
      'V1OwnerReference', 'V1Preconditions', 'V1ServerAddressByClientCIDR', 'V1Status',
      'V1StatusCause', 'V1StatusDetails', 'V1WatchEvent',
    ],
  },
  {
    prefix: 'io.k8s.api.core.v1',
    group: '',
    version: 'v1',
    kinds: [
      'V1Binding',
      ...withLists('V1ComponentStatus', 'V1ConfigMap', 'V1Endpoints', 'CoreV1Event', 'V1LimitRange',
        'V1Namespace', 'V1Node', 'V1PersistentVolume', 'V1PersistentVolumeClaim', 'V1Pod', 'V1PodTemplate',
        'V1ReplicationController', 'V1ResourceQuota', 'V1Secret', 'V1Service', 'V1ServiceAccount'),
    ],
  },
  {
    prefix: 'io.k8s.api.apps.v1',
    group: 'apps',
    version: 'v1',
    kinds: withLists('V1ControllerRevision', 'V1DaemonSet', 'V1Deployment', 'V1ReplicaSet', 'V1StatefulSet'),
  },
  { prefix: 'io.k8s.api.coordination.v1', group: 'coordination.k8s.io', version: 'v1', kinds: withLists('V1Lease') },
  { prefix: 'io.k8s.api.discovery.v1', group: 'discovery.k8s.io', version: 'v1', kinds: withLists('V1EndpointSlice') },
  { prefix: 'io.k8s.api.events.v1', group: 'events.k8s.io', version: 'v1', kinds: withLists('EventsV1Event') },
  {
    prefix: 'io.k8s.api.rbac.v1',
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kinds: withLists('V1ClusterRole', 'V1ClusterRoleBinding', 'V1Role', 'V1RoleBinding'),
  },
  { prefix: 'io.k8s.api.policy.v1', group: 'policy', version: 'v1', kinds: ['V1Eviction', ...withLists('V1PodDisruptionBudget')] },
  {
    prefix: 'io.k8s.api.autoscaling.v1',
    group: 'autoscaling',
    version: 'v1',
    kinds: ['V1Scale', ...withLists('V1HorizontalPodAutoscaler')],
  },
  {
    prefix: 'io.k8s.api.authorization.v1',
    group: 'authorization.k8s.io',
    version: 'v1',
    kinds: ['V1LocalSubjectAccessReview', 'V1SelfSubjectAccessReview', 'V1SelfSubjectRulesReview', 'V1SubjectAccessReview'],
  },
  {
    prefix: 'io.k8s.api.authentication.v1',
    group: 'authentication.k8s.io',
    version: 'v1',
    kinds: ['V1SelfSubjectReview', 'AuthenticationV1TokenRequest', 'V1TokenReview'],
  },
];

/** `V1PodSpec` → `PodSpec`, `CoreV1EndpointPort` → `EndpointPort`, `EventsV1Event` → `Event`. */
export function kubernetesTypeName(modelName: string): string {
  const m = /^(?:[A-Z][a-z]+)*V\d+(?:(?:alpha|beta)\d+)?([A-Z].*)$/.exec(modelName);
  if (!m) throw new Error(`cannot tell the Kubernetes name of model ${modelName}`);
  return m[1];
}

export const quantityName = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const intOrStringName = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const timeName = `${metaV1Prefix}.Time`;
export const microTimeName = `${metaV1Prefix}.MicroTime`;
export const fieldsV1Name = `${metaV1Prefix}.FieldsV1`;
export const patchName = `${metaV1Prefix}.Patch`;
export const rawExtensionName = 'io.k8s.apimachinery.pkg.runtime.RawExtension';

/**
 * Types Kubernetes serializes as JSON scalars or free-form objects, which the
 * models inline as `string`, `Date` or `any`. Descriptions are Kubernetes'
 * own, shortened.
 */
export const scalarDefinitions: Record<string, Record<string, unknown>> = {
  [quantityName]: {
    description:
      'Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.\n\nThe serialization format is:\n\n``` <quantity>        ::= <signedNumber><suffix>\n\n\t(Note that <suffix> may be empty, from the "" case in <decimalSI>.)\n\n<digit>           ::= 0 | 1 | ... | 9 <digits>          ::= <digit> | <digit><digits> <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits> <sign>            ::= "+" | "-" <signedNumber>    ::= <number> | <sign><number> <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI> <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei\n\n\t(International System of units; See: http://physics.nist.gov/cuu/Units/binary.html)\n\n<decimalSI>       ::= m | "" | k | M | G | T | P | E\n\n\t(Note that 1024 = 1Ki but 1000 = 1k; I didn\'t choose the capitalization.)\n\n<decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber> ```\n\nNo matter which of the three exponent forms is used, no quantity may represent a number greater than 2^63-1 in magnitude, nor may it have more than 3 decimal places. Numbers larger or more precise will be capped or rounded up. (E.g.: 0.1m will rounded up to 1m.) This may be extended in the future if we require larger or smaller quantities.',
    type: 'string',
  },
  [intOrStringName]: {
    description:
      'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
    type: 'string',
    format: 'int-or-string',
  },
  [timeName]: {
    description:
      'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.',
    type: 'string',
    format: 'date-time',
  },
  [microTimeName]: {
    description: 'MicroTime is version of Time with microsecond level precision.',
    type: 'string',
    format: 'date-time',
  },
  [fieldsV1Name]: {
    description:
      "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.\n\nEach key is either a '.' representing the field itself, and will always map to an empty set, or a string representing a sub-field or item. The string will follow one of these four formats: 'f:<name>', where <name> is the name of a field in a struct, or key in a map 'v:<value>', where <value> is the exact json formatted value of a list item 'i:<index>', where <index> is position of a item in a list 'k:<keys>', where <keys> is a map of  a list item's key fields to their unique values If a key maps to an empty Fields value, the field that key represents is part of the set.\n\nThe exact format is defined in sigs.k8s.io/structured-merge-diff",
    type: 'object',
  },
  [patchName]: {
    description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    type: 'object',
  },
  [rawExtensionName]: {
    description:
      'RawExtension is used to hold extensions in external versions.\n\nTo use this, make a field which has RawExtension as its type in your external version struct, and Object in your internal struct. You also need to register your various plugin types.',
    type: 'object',
  },
};
