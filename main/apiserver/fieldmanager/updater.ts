// structured-merge-diff's merge.Updater: how an Update and an Apply change who
// owns what.
// - Update: every other manager loses what the write changed or removed; the
//   writer gains what it added or changed.
// - Apply: the configuration is merged into the live object; what the applier
//   applied last time and no longer applies is pruned unless someone else
//   owns it; a field another manager owns that the apply changes is a
//   conflict unless forced, which takes it over.
// Objects are compared in the request's version: PodLab's served versions of
// one kind share their field paths.

import { compare, filterComparison, type Comparison } from './compare.ts';
import { ConflictsError, conflictsFromManagers } from './conflicts.ts';
import { FieldSet } from './fieldSet.ts';
import { ownsNothing, StoredVersionedSet, type Managed, type VersionedSet } from './managed.ts';
import { merge } from './merge.ts';
import { withNamedFieldsAsMembers } from './namedFields.ts';
import { removeItems } from './removeItems.ts';
import type { SmdType } from './schemaType.ts';
import { toFieldSet } from './toFieldSet.ts';

/** Fields no manager owns in this write (the reset fields of the kind's strategy for this subresource). */
export type IgnoreFilter = (set: FieldSet) => FieldSet;

export class Updater {
  constructor(
    private readonly type: SmdType,
    private readonly ignore: IgnoreFilter = (s) => s,
    /** How an object looks to the comparison (built-in kinds: with the fields Go always writes). */
    private readonly normalize: (obj: unknown) => unknown = (o) => o,
    /** The part of an object whose differences `ignore` can keep (comparedPart); the rest is not walked. */
    private readonly compared: (obj: unknown) => unknown = (o) => o,
  ) {}

  /** Compare, as the updater compares objects. */
  compare(oldObject: unknown, newObject: unknown): Comparison {
    return compare(this.normalize(oldObject), this.normalize(newObject), this.type);
  }

  private update(oldObject: unknown, newObject: unknown, managers: Map<string, VersionedSet>, workflow: string, force: boolean): Comparison {
    const comparison = filterComparison(this.compare(this.compared(oldObject), this.compared(newObject)), this.ignore);
    const conflicts = new Map<string, VersionedSet>();
    const removed = new Map<string, FieldSet>();
    const changed = comparison.modified.union(comparison.added);
    for (const [manager, owned] of managers) {
      if (manager === workflow) continue;
      // A stored entry the write's changes do not reach stays as it was, undecoded.
      if (owned instanceof StoredVersionedSet && owned.disjointFrom(changed, comparison.removed)) continue;
      const conflictSet = owned.set.intersection(changed);
      if (!conflictSet.empty()) conflicts.set(manager, { set: conflictSet, apiVersion: owned.apiVersion, applied: false });
      if (!comparison.removed.empty()) removed.set(manager, comparison.removed);
    }
    if (!force && conflicts.size > 0) throw new ConflictsError(conflictsFromManagers(conflicts));
    for (const [manager, conflict] of conflicts) {
      const owned = managers.get(manager)!;
      managers.set(manager, { ...owned, set: owned.set.difference(conflict.set) });
    }
    for (const [manager, set] of removed) {
      const owned = managers.get(manager)!;
      managers.set(manager, { ...owned, set: owned.set.difference(set) });
    }
    for (const [manager, owned] of managers) if (ownsNothing(owned)) managers.delete(manager);
    return comparison;
  }

  /** Updater.Update: `newObject` is what will be stored; `liveObject` what was (the empty object on create). */
  updateManagers(liveObject: unknown, newObject: unknown, version: string, managed: Managed, manager: string): void {
    const managers = managed.fields;
    const comparison = this.update(liveObject, newObject, managers, manager, true);
    const previous = managers.get(manager)?.set ?? new FieldSet();
    const set = this.ignore(previous.difference(comparison.removed).union(comparison.modified).union(comparison.added));
    if (set.empty()) managers.delete(manager);
    else managers.set(manager, { set, apiVersion: version, applied: false });
  }

  /** Updater.Apply: the merged object; `managed` is updated in place. Throws ConflictsError. */
  apply(liveObject: unknown, config: unknown, version: string, managed: Managed, manager: string, force: boolean): unknown {
    const managers = managed.fields;
    let newObject = merge(liveObject, config, this.type);
    const lastSet = managers.get(manager);
    const set = this.ignore(toFieldSet(config, this.type));
    managers.set(manager, { set, apiVersion: version, applied: true });
    newObject = this.prune(newObject, managers, manager, lastSet);
    this.update(liveObject, newObject, managers, manager, force);
    return newObject;
  }

  private named(set: FieldSet): FieldSet {
    return withNamedFieldsAsMembers(set, this.type);
  }

  /** Removes what the applier applied last time and no longer does, unless someone (the applier's new configuration included) owns it. */
  private prune(merged: unknown, managers: Map<string, VersionedSet>, manager: string, lastSet: VersionedSet | undefined): unknown {
    if (!lastSet || lastSet.set.empty()) return merged;
    let pruned = removeItems(merged, this.named(lastSet.set), this.type);
    pruned = this.addBackOwnedItems(merged, pruned, managers);
    return this.addBackDanglingItems(merged, pruned, lastSet);
  }

  private addBackOwnedItems(merged: unknown, pruned: unknown, managers: Map<string, VersionedSet>): unknown {
    let owned = new FieldSet();
    for (const { set } of managers.values()) owned = owned.union(set);
    const mergedSet = this.named(toFieldSet(merged, this.type));
    const prunedSet = this.named(toFieldSet(pruned, this.type));
    return removeItems(merged, mergedSet.difference(prunedSet.union(this.named(owned))), this.type);
  }

  /** Puts back what pruning removed that the applier did not own (unowned fields, or fields only updaters own). */
  private addBackDanglingItems(merged: unknown, pruned: unknown, lastSet: VersionedSet): unknown {
    const prunedSet = this.named(toFieldSet(pruned, this.type));
    const mergedSet = this.named(toFieldSet(merged, this.type));
    return removeItems(merged, mergedSet.difference(prunedSet).intersection(this.named(lastSet.set)), this.type);
  }
}
