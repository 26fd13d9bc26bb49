// What apply did to each object.

import type { ApplyOutcome } from '../../preload/api.ts';
import { ErrorBox } from './ErrorBox.tsx';

/** What to do about a refused object: a pod's fixed fields need the pod replaced, which apply cannot do. */
function nextStep(outcome: ApplyOutcome): string {
  if (outcome.kind === 'Pod' && /pod updates may not change fields/.test(outcome.error?.message ?? '')) {
    return `A pod's spec cannot change once it exists. If a controller owns ${outcome.name}, change its template instead; if not, replace the pod: Resources → Pods → ${outcome.name} → Edit offers it, or delete the pod and apply again.`;
  }
  return 'Fix the marked field and apply again.';
}

export function ApplyResults({ outcomes }: { outcomes: ApplyOutcome[] }) {
  return (
    <ul className="apply-results" aria-label="Apply results">
      {outcomes.map((o, i) => (
        <li key={i} className={`apply-${o.action}`}>
          <span className="apply-object">
            {o.kind ? `${o.kind.toLowerCase()}/${o.name}` : `document ${o.document + 1}`}
            {o.namespace ? ` (${o.namespace})` : ''}
          </span>{' '}
          <b>{o.action}</b>
          {o.error && <ErrorBox error={o.error} next={nextStep(o)} />}
        </li>
      ))}
    </ul>
  );
}
