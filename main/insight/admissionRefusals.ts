// Writes refused at admission when a person made them (`kubectl run`,
// apply): no object exists to open, only the API server's memory of the
// refused request (admissionDiagnosis.ts reads and explains it) says which
// webhook, Pod Security check or policy refused it. Requests by PodLab's own
// components (system: users: controllers creating pods) are left to their
// controller's FailedCreate problem; dry runs, refusals a later write made
// good, and old ones are left out.

import type { Problem, RefusedRequest } from '../../preload/api.ts';

/** Refusals older than this no longer describe what the user is doing. */
const recentMs = 15 * 60_000;

/**
 * A person's real write refused lately: what the memory holds is chosen by
 * this before anything is read, so refusals never shown cost no request.
 * Both the memory's entries and the explained requests have these fields.
 */
export function isPersonsRecentRefusal<T extends { user?: string; dryRun: boolean; lastAt?: string }>(r: T, now: Date): r is T & { user: string } {
  const at = Date.parse(r.lastAt ?? '');
  return !!r.user && !r.user.startsWith('system:') && !r.dryRun && now.getTime() - at <= recentMs;
}

export function refusalProblems(refusals: RefusedRequest[], now: Date): Problem[] {
  return refusals.flatMap((r) => {
    if (r.source !== 'api-server' || r.resolved || !isPersonsRecentRefusal(r, now)) return [];
    const explained = r.findings[0];
    return [
      {
        subject: { kind: r.kind, namespace: r.namespace ?? '', name: r.name },
        finding: {
          rule: explained?.rule ?? 'admission-refused',
          severity: 'warning' as const,
          title: `${r.kind} ${r.name} was refused at admission`,
          cause: explained?.cause ?? r.message,
          evidence: [{ label: 'Refusal', text: r.message }, { label: 'Requested by', text: r.user }, ...(explained?.evidence ?? [])],
          ...(explained?.changes && { changes: explained.changes }),
          next: explained?.next ?? [],
        },
      },
    ];
  });
}
