// What apply did to each object.

import type { ApplyOutcome } from '../../preload/api.ts';
import { ErrorBox } from './ErrorBox.tsx';

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
          {o.error && <ErrorBox error={o.error} next="Fix the marked field and apply again." />}
        </li>
      ))}
    </ul>
  );
}
