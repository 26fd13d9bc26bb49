// What the API server needs to know about one resource type. The generic
// registry (CRUD, watch, patch, tables) does everything that is the same for
// all kinds; a kind's strategy holds only what is particular to it, as
// Kubernetes' rest.RESTCreateStrategy / RESTUpdateStrategy / TableConvertor do.

import type { FieldError, KubeObject, TableColumnDefinition } from '../meta/objects.ts';
import type { NameValidator } from '../validation/nameValidators.ts';

export type Subresource = 'status' | 'scale' | 'binding' | 'eviction' | 'token' | 'log' | 'exec' | 'attach' | 'portforward' | 'proxy';

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
  prepareForCreate?(obj: KubeObject): void;
  /** On update of the main resource, before validation (status is already copied from `old` by the registry). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Validating admission on create. Name/namespace/labels/annotations format are checked by the registry. */
  validate?(obj: KubeObject): FieldError[];
  /** Validating admission on update: immutable fields, plus `validate` of the new object. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Validation of a status write (status subresource). */
  validateStatusUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Columns for `kubectl get` (server-side printing). */
  table?: TableDefinition;
  /**
   * Graceful deletion (rest.RESTGracefulDeleteStrategy): the grace period a DELETE gets, given the one requested.
   * 0 deletes at once; more sets deletionTimestamp and leaves the final delete to the owner (the kubelet for pods).
   */
  gracePeriodOnDelete?(obj: KubeObject, requested: number | undefined): number;
  /** Extra field selectors beyond metadata.name and metadata.namespace, e.g. `spec.nodeName` for pods. */
  selectableFields?: Record<string, (obj: KubeObject) => string | undefined>;
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
  /** How metadata.name is validated; default DNS-1123 subdomain (namespaces use a label, services DNS-1035, RBAC kinds a path segment). */
  nameValidator?: NameValidator;
}
