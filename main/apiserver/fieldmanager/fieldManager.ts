// The field manager of one kind, version and subresource, composed as
// kube-apiserver's default field manager is (apimachinery's
// NewDefaultFieldManager), outermost first:
//   version check → last-applied updater → last-applied manager →
//   skip-non-applied → cap managers → manager identifier → managedFields
//   updater (times) → strip metadata → structured merge (updater.ts).
// `update` gives the managedFields of a create, update or patch; `apply` merges
// a server-side apply configuration and gives the object to store with its
// managedFields.

import type { KubeObject, ManagedFieldsEntry } from '../../kube/meta.ts';
import { deepFreeze } from '../../kube/deepFreeze.ts';
import { kubeTimestamp } from '../../kube/time.ts';
import { errors } from '../errors.ts';
import type { SchemaNode } from '../openapi/schemaLookup.ts';
import { capUpdateManagers } from './capManagers.ts';
import { ConflictsError, conflictStatusError } from './conflicts.ts';
import { withGoZeroValues } from './goZeroValues.ts';
import { comparedPart, resetFieldsFilter, stripMeta } from './ignoredFields.ts';
import { allowedConflictsFromLastApplied, buildLastApplied, hasLastApplied, kubectlApplier, setLastApplied } from './lastApplied.ts';
import { cloneManaged, decodeManagedFields, decodeOrEmpty, emptyManaged, encodeManagedFields, managerIdentifier, type Managed } from './managed.ts';
import { MergeError } from './merge.ts';
import { typeOf, type SmdType } from './schemaType.ts';
import { Updater } from './updater.ts';

export interface FieldManagerScope {
  group: string;
  version: string;
  kind: string;
  /** '' for the main resource, 'status' or 'scale'. */
  subresource: string;
  hasStatusSubresource: boolean;
  /** The replicas field scale writes set (`.spec.replicas`). */
  replicasPath?: string;
  /** The kind's schema; undefined: fields are deduced from the values. */
  schema: SchemaNode | undefined;
  /** A built-in kind (a Go type in Kubernetes), as opposed to a custom resource. */
  builtIn: boolean;
  now: () => Date;
}

const currentOperation = 'current-operation';
const beforeFirstApply = 'before-first-apply';

/** isResetManagedFields: `managedFields: []`, or a list of one empty entry, asks for ownership to be dropped. */
export function isResetManagedFields(entries: ManagedFieldsEntry[] | undefined): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && Object.values(entries[0] ?? {}).every((v) => v === undefined);
}

function withoutManagedFields(obj: KubeObject): KubeObject {
  const { managedFields: _drop, ...metadata } = obj.metadata ?? {};
  return { ...obj, metadata };
}

export class FieldManager {
  private readonly type: SmdType;
  private readonly updater: Updater;
  readonly apiVersion: string;
  /** The live object of every create an Update records (emptyObject), frozen and shared. */
  private readonly emptyLive: KubeObject;

  constructor(private readonly scope: FieldManagerScope) {
    this.type = typeOf(scope.schema);
    this.apiVersion = scope.group ? `${scope.group}/${scope.version}` : scope.version;
    this.emptyLive = deepFreeze(this.emptyObject());
    const schema = scope.schema;
    // What a create compares against is the same every time: its Go zero values are filled in once.
    let emptyFilled: unknown;
    const normalize =
      scope.builtIn && schema ? (obj: unknown) => (obj === this.emptyLive ? (emptyFilled ??= withGoZeroValues(obj, schema)) : withGoZeroValues(obj, schema)) : undefined;
    this.updater = new Updater(this.type, resetFieldsFilter(scope), normalize, comparedPart(scope));
  }

  /** The object Kubernetes' ObjectCreater would make: only its type (a create compares against it). */
  private emptyObject(): KubeObject {
    return { apiVersion: this.apiVersion, kind: this.scope.kind, metadata: {} };
  }

  private now(): string {
    return kubeTimestamp(this.scope.now());
  }

  private identifier(manager: string, operation: 'Update' | 'Apply'): string {
    return managerIdentifier({ manager: manager || 'unknown', operation, apiVersion: this.apiVersion, subresource: this.scope.subresource });
  }

  /** The Update chain below skip-non-applied: cap(identifier(times(strip(structured)))). */
  private updateManaged(live: KubeObject, updated: KubeObject, managed: Managed, manager: string): void {
    const id = this.identifier(manager, 'Update');
    this.updater.updateManagers(live, updated, this.apiVersion, managed, currentOperation);
    const took = managed.fields.get(currentOperation);
    if (took) {
      managed.fields.delete(currentOperation);
      const set = stripMeta(took.set);
      // The write changed something: the writer's entry gets what it took and a new time.
      if (!set.empty()) {
        const previous = managed.fields.get(id);
        managed.fields.set(id, { set: previous ? set.union(previous.set) : set, apiVersion: took.apiVersion, applied: false });
        managed.times.set(id, this.now());
      }
    }
    capUpdateManagers(managed);
  }

  /**
   * FieldManager.UpdateNoErrors: the managedFields to store after a create
   * (`live` undefined), update or patch by `manager`. Sent managedFields are
   * taken when they decode (subresources never take them); `managedFields: []`
   * drops ownership; anything that fails keeps the live object's entries.
   */
  update(live: KubeObject | undefined, updated: KubeObject, manager: string): ManagedFieldsEntry[] | undefined {
    try {
      const managed = this.managedForUpdate(live, updated);
      // skipNonApplied: an existing object nobody manages stays unmanaged until it is applied to.
      if (managed.fields.size === 0 && live?.metadata?.uid) return undefined;
      this.updateManaged(live ? withoutManagedFields(live) : this.emptyLive, withoutManagedFields(updated), managed, manager);
      return encodeManagedFields(managed);
    } catch {
      return live?.metadata?.managedFields;
    }
  }

  /** decodeLiveOrNew. */
  private managedForUpdate(live: KubeObject | undefined, updated: KubeObject): Managed {
    const liveEntries = live?.metadata?.managedFields;
    if (this.scope.subresource) return decodeOrEmpty(liveEntries);
    const sent = updated.metadata?.managedFields;
    if (isResetManagedFields(sent)) return emptyManaged();
    try {
      const managed = decodeManagedFields(sent);
      if (managed.fields.size > 0) return managed;
    } catch {
      // A client that does not understand managedFields must not lose them.
    }
    return decodeOrEmpty(liveEntries);
  }

  /** versionCheckManager: an applied configuration names this kind and version (`invalid object type: apps/v1beta1, Kind=Deployment`). */
  checkType(config: KubeObject): void {
    const apiVersion = typeof config.apiVersion === 'string' ? config.apiVersion : '';
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
    if (group !== this.scope.group || version !== this.scope.version || config.kind !== this.scope.kind) {
      throw errors.badRequest(`invalid object type: ${group}/${version}, Kind=${typeof config.kind === 'string' ? config.kind : ''}`);
    }
  }

  /**
   * FieldManager.Apply: `config` merged into `live` (undefined: the object is
   * being created), with its managedFields. Throws the 409 Conflict of
   * Kubernetes when another manager owns a field the apply changes, unless
   * `force`.
   */
  apply(live: KubeObject | undefined, config: KubeObject, manager: string, force: boolean): KubeObject {
    this.checkType(config);
    const current = live ?? this.emptyObject();
    let managed: Managed;
    try {
      managed = decodeManagedFields(current.metadata?.managedFields, true);
    } catch (err) {
      throw errors.internal(`failed to decode managed fields: ${(err as Error).message}`);
    }
    if (config.metadata?.managedFields !== undefined && config.metadata.managedFields !== null) throw errors.badRequest('metadata.managedFields must be nil');
    const liveObject = withoutManagedFields(current);

    let result: { object: KubeObject; managed: Managed };
    try {
      result = this.applyUpgradingLastApplied(liveObject, config, managed, manager, force);
    } catch (err) {
      if (err instanceof ConflictsError) throw conflictStatusError(err.conflicts);
      if (err instanceof MergeError) throw errors.internal(`failed to merge config: ${err.message}`);
      throw err;
    }
    const object = result.object;
    // lastAppliedUpdater: kubectl's server-side applies keep the client-side annotation in step.
    if (manager === kubectlApplier && hasLastApplied(object)) setLastApplied(object, buildLastApplied(config));
    const entries = encodeManagedFields(result.managed);
    if (entries) object.metadata.managedFields = entries;
    else delete object.metadata.managedFields;
    return object;
  }

  /** lastAppliedManager: kubectl's conflicts on fields the last-applied annotation still describes are forced. */
  private applyUpgradingLastApplied(live: KubeObject, config: KubeObject, managed: Managed, manager: string, force: boolean): { object: KubeObject; managed: Managed } {
    try {
      return this.applyOnce(live, config, cloneManaged(managed), manager, force);
    } catch (err) {
      if (manager !== kubectlApplier || !(err instanceof ConflictsError)) throw err;
      const allowed = allowedConflictsFromLastApplied(live, this.apiVersion, this.type);
      if (!allowed) throw err;
      const remaining = err.conflicts.filter((c) => !allowed.has(c.path));
      if (remaining.length > 0) throw new ConflictsError(remaining);
      return this.applyOnce(live, config, cloneManaged(managed), manager, true);
    }
  }

  /** skipNonApplied, then the Apply chain: identifier(times(strip(structured))). */
  private applyOnce(live: KubeObject, config: KubeObject, managed: Managed, manager: string, force: boolean): { object: KubeObject; managed: Managed } {
    if (managed.fields.size === 0) {
      // The first apply to an object nobody managed: what it holds so far belongs to before-first-apply.
      this.updateManaged(this.emptyObject(), live, managed, beforeFirstApply);
    }
    const id = this.identifier(manager, 'Apply');
    const merged = this.updater.apply(live, config, this.apiVersion, managed, id, force) as KubeObject;
    const mine = managed.fields.get(id);
    if (mine) {
      const set = stripMeta(mine.set);
      if (set.empty()) managed.fields.delete(id);
      else managed.fields.set(id, { ...mine, set });
    }
    managed.times.set(id, this.now());
    const object = merged ?? this.emptyObject();
    if (!object.metadata || typeof object.metadata !== 'object') object.metadata = {};
    return { object, managed };
  }
}
