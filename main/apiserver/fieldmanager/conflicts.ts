// Apply conflicts: fields another manager owns that an apply would change.
// Kubernetes answers them with a 409 Conflict whose message and causes name
// each manager (with its subresource and, for updaters, its apiVersion) and
// each field path.

import type { StatusCause } from '../../kube/meta.ts';
import { StatusError } from '../errors.ts';
import { FieldSet } from './fieldSet.ts';
import type { VersionedSet } from './managed.ts';
import { parseIdentifier } from './managed.ts';
import { pathString, type FieldPath } from './pathElement.ts';

export interface Conflict {
  /** The manager identifier (managed.ts). */
  manager: string;
  path: FieldPath;
}

/** merge.Conflicts: thrown by an apply that is not forced. */
export class ConflictsError extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(`${conflicts.length} apply conflicts`);
  }

  toSet(): FieldSet {
    return FieldSet.of(...this.conflicts.map((c) => c.path));
  }
}

/** ConflictsFromManagers, managers in identifier order. */
export function conflictsFromManagers(sets: Map<string, VersionedSet>): Conflict[] {
  const out: Conflict[] = [];
  for (const manager of [...sets.keys()].sort()) {
    for (const path of sets.get(manager)!.set.paths()) out.push({ manager, path });
  }
  return out;
}

/** printManager: `"kubectl"`, `"kubectl" with subresource "scale"`, `"kube-controller-manager" using apps/v1`. */
export function printManager(id: string): string {
  const entry = parseIdentifier(id);
  let text = JSON.stringify(entry.manager ?? '');
  if (entry.subresource) text += ` with subresource ${JSON.stringify(entry.subresource)}`;
  if (entry.operation === 'Update') text += ` using ${entry.apiVersion ?? ''}`;
  return text;
}

/** getConflictMessage: one line for one conflict, else grouped by manager in identifier order. */
export function conflictMessage(conflicts: Conflict[]): string {
  if (conflicts.length === 1) return `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  const byManager = new Map<string, FieldPath[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${printManager(manager)}:`);
    for (const path of byManager.get(manager)!) lines.push(`- ${pathString(path)}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** NewConflictError (errors.NewApplyConflict): 409 Conflict, one FieldManagerConflict cause per field. */
export function conflictStatusError(conflicts: Conflict[]): StatusError {
  // metav1.StatusCause's Type is written as `reason`.
  const causes: StatusCause[] = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: conflictMessage(conflicts), reason: 'Conflict', details: { causes }, code: 409 });
}
