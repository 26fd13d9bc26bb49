// What every admission rule reads and shares: a refusal and the cluster it is
// checked against, and how a finding names the refused write and who made it.

import type { DiagnosisEvidence, Finding } from '../../preload/api.ts';
import type { AdmissionCluster } from './admissionCluster.ts';
import type { Refusal } from './admissionRefusal.ts';

export type RefusalRule = (refusal: Refusal, cluster: AdmissionCluster, now: Date) => Finding[];

/** `pod "root" in demo`, `pods of ReplicaSet web-6d4f (web-6d4f-*)`. */
export function refusedWrite(r: Refusal): string {
  const kind = r.object.kind || r.object.resource;
  const where = r.object.namespace ? ` in namespace ${r.object.namespace}` : '';
  const verb = r.operation === 'CREATE' ? 'create' : r.operation === 'UPDATE' ? 'update' : r.operation === 'DELETE' ? 'delete' : r.operation.toLowerCase();
  if (r.owner && r.object.generateName) return `the ${r.owner.kind} ${r.owner.name}'s ${verb} of a ${kind} (${r.object.generateName}*)${where}`;
  if (r.owner) return `the ${r.owner.kind} ${r.owner.name}'s ${verb} of ${kind} ${r.object.name}${where}`;
  return `the ${verb} of ${kind} "${r.object.name || r.object.generateName}"${where}${r.user ? ` by ${r.user}` : ''}${r.dryRun ? ' (a server dry run)' : ''}`;
}

export function refusalEvidence(r: Refusal): DiagnosisEvidence {
  const count = r.count > 1 ? ` (x${r.count})` : '';
  const when = r.lastAt ? `, last at ${r.lastAt}` : '';
  return { label: `${r.source === 'event' ? 'FailedCreate' : 'Refused'}${count}${when}`, text: r.message };
}

/** A workload's pods are fixed in the workload; a direct write in the manifest that was applied. */
export function isWorkload(r: Refusal): boolean {
  return r.target.kind !== r.object.kind;
}
