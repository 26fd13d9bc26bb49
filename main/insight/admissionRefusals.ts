// Pods refused at admission when a person created them (`kubectl run`,
// apply): no pod exists to open, only the API server's memory of the
// refused request says which webhook, Pod Security check or policy refused
// it. Requests by PodLab's own components (system: users: controllers
// creating pods) are left to their controller's FailedCreate problem.

import type { PodTrace, Problem } from '../../preload/api.ts';
import { admissionRefusal } from './objectProblems.ts';

/** Refusals older than this no longer describe what the user is doing. */
const recentMs = 15 * 60_000;

function podSecurityRefusal(message: string): string | undefined {
  const found = /violates PodSecurity "([^"]+)": (.*)$/s.exec(message);
  if (!found) return undefined;
  return `The namespace enforces Pod Security ${found[1]}, and the pod fails these checks: ${found[2]}. Set the securityContext they name (runAsNonRoot, allowPrivilegeEscalation: false, capabilities drop ALL, seccompProfile RuntimeDefault), or run the pod where a lower level is enforced.`;
}

export function refusalProblems(refusals: PodTrace[], now: Date): Problem[] {
  return refusals.flatMap((trace) => {
    const root = trace.spans.find((s) => s.step === 'request');
    const user = String(trace.spans.find((s) => s.attributes.user !== undefined)?.attributes.user ?? '');
    if (!root || root.status !== 'error' || user.startsWith('system:') || now.getTime() - root.endMs > recentMs) return [];
    const message = root.message ?? '';
    return [
      {
        subject: { kind: 'Pod', namespace: trace.namespace, name: trace.name },
        finding: {
          rule: 'admission-refused',
          severity: 'warning' as const,
          title: `Pod ${trace.name} was refused at admission`,
          cause: admissionRefusal(message) ?? podSecurityRefusal(message) ?? message,
          evidence: [
            { label: 'Refusal', text: message },
            ...(user ? [{ label: 'Requested by', text: user }] : []),
          ],
          next: [{ what: "See the refused request's journey", command: `kubectl get --raw /podlab/v1/namespaces/${trace.namespace}/pods/${trace.name}/trace` }],
        },
      },
    ];
  });
}
