// One finding (or piece of advice): its cause, the evidence, its fixes, and
// the kubectl commands to check by hand.

import type { Finding, FixApplied } from '../../preload/api.ts';
import { FixCard } from './FixCard.tsx';

function CopyButton({ text }: { text: string }) {
  return (
    <button className="small" onClick={() => void navigator.clipboard?.writeText(text)} title="Copy">
      Copy
    </button>
  );
}

export function FindingCard({ finding, namespace, pod, onApplied }: { finding: Finding; namespace: string; pod: string; onApplied: (title: string, applied: FixApplied) => void }) {
  const f = finding;
  return (
    <div className={`finding finding-${f.severity}`} data-rule={f.rule}>
      <h3>{f.title}</h3>
      <p className="cause">{f.cause}</p>
      {f.evidence.length > 0 && (
        <dl className="evidence">
          {f.evidence.map((e, j) => (
            <div key={j}>
              <dt>{e.label}</dt>
              <dd>
                <pre>{e.text}</pre>
              </dd>
            </div>
          ))}
        </dl>
      )}
      {f.fixes?.map((fix, j) => <FixCard key={j} namespace={namespace} pod={pod} finding={f} fix={fix} onApplied={(result) => onApplied(fix.title, result)} />)}
      {f.next.length > 0 && (
        <>
          <h4>Next checks</h4>
          <ul className="next-checks">
            {f.next.map((n, j) => (
              <li key={j}>
                {n.what}: <code>{n.command}</code> <CopyButton text={n.command} />
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
