// The conditions a terminating namespace reports (namespace/deletion/
// namespace_condition_utils.go): each of the five is False with an "all is
// well" reason until something fails or remains, then True with what it is.

import type { KubeObject } from '../../kube/meta.ts';

export interface NamespaceCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

const conditionTypes = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

const okReasons: Record<string, string> = {
  NamespaceDeletionDiscoveryFailure: 'ResourcesDiscovered',
  NamespaceDeletionGroupVersionParsingFailure: 'ParsedGroupVersions',
  NamespaceDeletionContentFailure: 'ContentDeleted',
  NamespaceContentRemaining: 'ContentRemoved',
  NamespaceFinalizersRemaining: 'ContentHasNoFinalizers',
};

const okMessages: Record<string, string> = {
  NamespaceDeletionDiscoveryFailure: 'All resources successfully discovered',
  NamespaceDeletionGroupVersionParsingFailure: 'All legacy kube types successfully parsed',
  NamespaceDeletionContentFailure: 'All content successfully deleted, may be waiting on finalization',
  NamespaceContentRemaining: 'All content successfully removed',
  NamespaceFinalizersRemaining: 'All content-preserving finalizers finished',
};

/** What one deletion pass found: objects left per resource (`pods.`, `deployments.apps`), per finalizer, and delete errors. */
export interface DeletionTotals {
  remainingByResource: Map<string, number>;
  remainingByFinalizer: Map<string, number>;
  errors: string[];
}

/** The conditions this pass calls for (ProcessContentTotals, ProcessDeleteContentErr, Update). */
export function conditionsFor(totals: DeletionTotals, timestamp: string): NamespaceCondition[] {
  const failing: NamespaceCondition[] = [];
  const remaining = [...totals.remainingByResource].filter(([, n]) => n > 0).map(([resource, n]) => `${resource} has ${n} resource instances`).sort();
  if (remaining.length > 0) {
    failing.push({ type: 'NamespaceContentRemaining', status: 'True', lastTransitionTime: timestamp, reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${remaining.join(', ')}` });
  }
  const byFinalizer = [...totals.remainingByFinalizer].filter(([, n]) => n > 0).map(([finalizer, n]) => `${finalizer} in ${n} resource instances`).sort();
  if (byFinalizer.length > 0) {
    failing.push({
      type: 'NamespaceFinalizersRemaining',
      status: 'True',
      lastTransitionTime: timestamp,
      reason: 'SomeFinalizersRemain',
      message: `Some content in the namespace has finalizers remaining: ${byFinalizer.join(', ')}`,
    });
  }
  if (totals.errors.length > 0) {
    const errors = totals.errors.length === 1 ? totals.errors[0] : `[${totals.errors.join(', ')}]`;
    failing.push({
      type: 'NamespaceDeletionContentFailure',
      status: 'True',
      lastTransitionTime: timestamp,
      reason: 'ContentDeletionFailed',
      message: `Failed to delete all resource types, ${totals.errors.length} remaining: ${errors}`,
    });
  }
  return conditionTypes.map(
    (type) => failing.find((c) => c.type === type) ?? { type, status: 'False', lastTransitionTime: timestamp, reason: okReasons[type], message: okMessages[type] },
  );
}

/** updateConditions: replaces what changed (keeping lastTransitionTime unless the status flips); true when anything did. */
export function mergeConditions(ns: KubeObject, next: NamespaceCondition[]): boolean {
  const status = (ns.status ??= {}) as { conditions?: NamespaceCondition[] };
  const conditions = (status.conditions ??= []);
  let changed = false;
  for (const condition of next) {
    const old = conditions.find((c) => c.type === condition.type);
    if (!old) {
      conditions.push(condition);
      changed = true;
    } else if (old.status !== condition.status || old.message !== condition.message || old.reason !== condition.reason) {
      if (old.status !== condition.status) old.lastTransitionTime = condition.lastTransitionTime;
      old.status = condition.status;
      old.reason = condition.reason;
      old.message = condition.message;
      changed = true;
    }
  }
  return changed;
}
