// What the API server needs to know about one resource type. The generic
// registry (CRUD, watch, patch, tables) does everything that is the same for
// all kinds; a kind's strategy holds only what is particular to it, as
// Kubernetes' rest.RESTCreateStrategy / RESTUpdateStrategy / TableConvertor do.

import type { FieldError, KubeObject, TableColumnDefinition } from '../../kube/meta.ts';
import type { NameValidator } from '../validation/nameValidators.ts';
import type { Definitions } from '../openapi/schema.ts';
import type { SubresourceAction } from '../subresources.ts';
import type { UserInfo } from '../auth/user.ts';

export type Subresource = 'status' | 'ephemeralcontainers' | 'approval' | 'scale' | 'binding' | 'eviction' | 'token' | 'log' | 'exec' | 'attach' | 'portforward' | 'proxy';

/** How a subresource that writes part of an object takes the request in, and validates the result. */
export interface SubresourceView {
  prepare(desired: KubeObject, current: KubeObject): KubeObject;
  validateUpdate(obj: KubeObject, old: KubeObject): FieldError[];
}

/**
 * Where the scale subresource (autoscaling/v1 Scale) reads and writes its
 * fields, as JSON paths (`.spec.replicas`): fixed for Deployments and friends,
 * declared by a CRD's `subresources.scale` for custom resources.
 */
export interface ScalePaths {
  specReplicasPath: string;
  statusReplicasPath: string;
  /** Absent: the Scale's status.selector stays empty. */
  labelSelectorPath?: string;
  /** Built-ins format `spec.selector` (a LabelSelector object); CRDs point at a string already formatted. */
  selectorIsObject?: boolean;
}

/**
 * One resource is stored once, in one version, and served in each of its
 * versions (events.k8s.io/v1 Events are core/v1 Events in storage; a CRD's
 * versions share its storage version). A served version that is not the
 * storage version converts on the way in and out.
 */
export interface StorageVersion {
  /** The stored resource: its objects live under `/registry/<group or core>/<plural>/`. */
  group: string;
  plural: string;
  /** The apiVersion objects are stored in. */
  apiVersion: string;
  /** The served object as stored (apiVersion set by the caller). */
  toStorage(obj: KubeObject): KubeObject;
  /** The stored object in the served version (apiVersion set by the caller). */
  fromStorage(obj: KubeObject): KubeObject;
  /**
   * Conversion done elsewhere (a CRD's conversion webhook), in place of toStorage and fromStorage:
   * objects in any version to `toApiVersion`, many in one call, those already in it untouched.
   */
  convert?(objects: KubeObject[], toApiVersion: string): Promise<KubeObject[]>;
}

export interface TableDefinition {
  /** Columns after Name (and Namespace, which kubectl adds itself with -A). Name must be the first column here too: `{name: 'Name', type: 'string', format: 'name', priority: 0}`. */
  columns: TableColumnDefinition[];
  /** The cells of one row, in column order. `now` is passed so ages are computed once per response. */
  row(obj: KubeObject, now: Date): unknown[];
}

export interface ResourceStrategy {
  /** Mutating admission: fill in Kubernetes' defaults (SetDefaults_*) on create and on update. */
  applyDefaults?(obj: KubeObject): void;
  /** On create, before validation: reset what clients may not set (status, as the real strategies do). */
  prepareForCreate?(obj: KubeObject, user?: UserInfo): void;
  /** On update of the main resource, before validation (status is already copied from `old` by the registry). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Validating admission on create. Name/namespace/labels/annotations format are checked by the registry. */
  validate?(obj: KubeObject): FieldError[];
  /** Validating admission on update: immutable fields, plus `validate` of the new object. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Validation of a status write (status subresource). */
  validateStatusUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /**
   * Subresources that write part of the object (pods' ephemeralcontainers, CSRs' approval), or a status
   * written by rules of the kind's own: the stored object with the request's part taken in, and its validation.
   */
  views?: Partial<Record<'status' | 'ephemeralcontainers' | 'approval', SubresourceView>>;
  /** Columns for `kubectl get` (server-side printing). */
  table?: TableDefinition;
  /**
   * Graceful deletion (rest.RESTGracefulDeleteStrategy): the grace period a DELETE gets, given the one requested.
   * 0 deletes at once; more sets deletionTimestamp and leaves the final delete to the owner (the kubelet for pods).
   */
  gracePeriodOnDelete?(obj: KubeObject, requested: number | undefined): number;
  /**
   * A DELETE of an object not yet being deleted that the kind holds back
   * itself (a CRD gets its cleanup finalizer and Terminating condition, as
   * apiextensions' REST.Delete does): the object as it stays. Absent: the
   * generic finalizer and grace rules.
   */
  beginDeletion?(obj: KubeObject, now: Date): KubeObject;
  /**
   * Removes (in place) the fields the kind's schema does not know and returns
   * their paths (`spec.foo`); custom resources prune by their structural
   * schema. Absent: the built-in OpenAPI definitions decide.
   */
  pruneUnknownFields?(obj: KubeObject): string[];
  /** Extra field selectors beyond metadata.name and metadata.namespace, e.g. `spec.nodeName` for pods. */
  selectableFields?: Record<string, (obj: KubeObject) => string | undefined>;
  /**
   * The selectable field watches are indexed by (the cacher's TriggerFunc,
   * `spec.nodeName` for pods): a watch whose field selector asks for one value
   * of it is handed only the events of objects that have or had that value.
   */
  watchTrigger?: string;
}

export interface ResourceDefinition {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  kind: string;
  /** The resource name in URLs: `pods`. */
  plural: string;
  singular: string;
  shortNames?: string[];
  namespaced: boolean;
  /** `all` puts the kind into `kubectl get all`. */
  categories?: string[];
  subresources: Subresource[];
  /** Verbs other than the standard set (create, delete, deletecollection, get, list, patch, update, watch) are not supported; this lets a kind narrow them (e.g. events have no status). */
  verbs?: string[];
  strategy: ResourceStrategy;
  /** The subresources that are actions (binding, eviction, token, log, exec...), by name; each must also be listed in `subresources`. */
  actions?: Partial<Record<Subresource, SubresourceAction>>;
  /** OpenAPI definitions this kind brings (a custom resource's models, from its CRD); built-in kinds' come from Kubernetes' published OpenAPI. */
  openapiDefinitions?: Definitions;
  /** Served for a CustomResourceDefinition (unstructured: its schema validates it, Go-typed decoding does not apply). */
  customResource?: boolean;
  /** Sent as a warning with every request to this kind and version (a deprecated CRD version, v1 ComponentStatus). */
  deprecationWarning?: string;
  /** Absent: stored as served, under its own group and plural. */
  storage?: StorageVersion;
  /** The scale subresource's field paths (required when `subresources` has 'scale'; built-ins use the spec.replicas defaults). */
  scale?: ScalePaths;
  /** How metadata.name is validated; default DNS-1123 subdomain (namespaces use a label, services DNS-1035, RBAC kinds a path segment). */
  nameValidator?: NameValidator;
}
