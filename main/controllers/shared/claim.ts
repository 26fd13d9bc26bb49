// ControllerRefManager.ClaimObject: a controller owns the objects whose
// controller reference is its own and that its selector still selects;
// releases its own that no longer match; adopts matching orphans, but only
// after a fresh read proved it is not being deleted (an owner that is going
// away must not grab orphans the garbage collector just released).

import { isApiError, type ResourceClient } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { adoptPatch, controllerRefOf, deleteOwnerRefsPatch, type ControllerKind } from './controllerRef.ts';

export interface ClaimOptions<T extends KubeObject> {
  owner: KubeObject;
  ownerKind: ControllerKind;
  /** The selector, and any further condition (a StatefulSet also wants its pods' names). */
  matches(obj: T): boolean;
  /** The dependents' resource, to patch owner references. */
  dependents: ResourceClient<T>;
  /** RecheckDeletionTimestamp: throws when the owner may not adopt (gone, or being deleted). */
  canAdopt(): Promise<void>;
  /** The dependents' kind for error messages: `Pod`, `ReplicaSet`. */
  dependentKind: string;
}

const strategicMerge = 'application/strategic-merge-patch+json';

/** What claiming does with a candidate: keep it, leave it, let one of ours go, or adopt an orphan. */
type ClaimAction = 'claim' | 'skip' | 'release' | 'adopt';

function claimAction<T extends KubeObject>(obj: T, options: ClaimOptions<T>): ClaimAction {
  const { owner } = options;
  const ref = controllerRefOf(obj);
  if (ref) {
    if (ref.uid !== owner.metadata.uid) return 'skip';
    if (options.matches(obj)) return 'claim';
    return owner.metadata.deletionTimestamp ? 'skip' : 'release';
  }
  if (owner.metadata.deletionTimestamp || obj.metadata.deletionTimestamp) return 'skip';
  if (owner.metadata.namespace && owner.metadata.namespace !== obj.metadata.namespace) return 'skip';
  return options.matches(obj) ? 'adopt' : 'skip';
}

/** The candidates this owner controls after adopting and releasing; throws the first failure after trying every candidate. */
export async function claimObjects<T extends KubeObject>(candidates: T[], options: ClaimOptions<T>): Promise<T[]> {
  const actions = candidates.map((obj) => claimAction(obj, options));
  // Nearly always (a sync of a workload with thousands of pods) nothing is adopted or released: no write to wait for.
  if (!actions.includes('release') && !actions.includes('adopt')) return candidates.filter((_, i) => actions[i] === 'claim');
  const { owner } = options;
  const claimed: T[] = [];
  const failures: unknown[] = [];
  let adoptable: Promise<void> | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const obj = candidates[i]!;
    const action = actions[i]!;
    const ns = obj.metadata.namespace;
    const name = obj.metadata.name ?? '';
    try {
      if (action === 'claim') claimed.push(obj);
      else if (action === 'release') await options.dependents.patch(ns, name, strategicMerge, deleteOwnerRefsPatch(obj.metadata.uid, [owner.metadata.uid ?? '']));
      else if (action === 'adopt') {
        adoptable ??= options.canAdopt();
        try {
          await adoptable;
        } catch (err) {
          throw new Error(`can't adopt ${options.dependentKind} ${ns}/${name} (${obj.metadata.uid}): ${(err as Error).message}`);
        }
        await options.dependents.patch(ns, name, strategicMerge, adoptPatch(owner, options.ownerKind, obj.metadata.uid));
        claimed.push(obj);
      }
    } catch (err) {
      // A dependent that is gone, or no longer references us, needs nothing.
      if (isApiError(err, 'NotFound') || (action === 'release' && isApiError(err, 'Invalid'))) continue;
      failures.push(err);
    }
  }
  if (failures.length > 0) throw failures[0];
  return claimed;
}

/** A fresh read of the owner: it may adopt only if it is the same object and not being deleted. */
export function recheckDeletionTimestamp(client: ResourceClient, owner: KubeObject, kind: string): () => Promise<void> {
  return async () => {
    let fresh: KubeObject;
    try {
      fresh = await client.get(owner.metadata.namespace, owner.metadata.name ?? '');
    } catch (err) {
      throw new Error(`can't recheck DeletionTimestamp: ${(err as Error).message}`);
    }
    if (fresh.metadata.uid !== owner.metadata.uid) {
      throw new Error(`original ${kind} ${owner.metadata.namespace}/${owner.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${owner.metadata.uid}`);
    }
    if (fresh.metadata.deletionTimestamp) {
      throw new Error(`${fresh.metadata.namespace}/${fresh.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    }
  };
}
