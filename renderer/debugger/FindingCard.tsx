// One finding (or piece of advice), however it was found (a pod, a workload,
// a refused request): its cause, the evidence in Kubernetes' own words, its
// fixes (where there is a pod to prove them on), the changes to paste, and the
// kubectl commands to check by hand.

import type { Finding, FixApplied } from '../../preload/api.ts';
import { FixCard } from './FixCard.tsx';

export function CopyButton({ text }: { text: string }) {
  return (
    <button className="small" onClick={() => void navigator.clipboard?.writeText(text)} title="Copy">
      Copy
    </button>
  );
}

/** Where a finding's fixes apply, and who hears they were applied; without it only the changes to paste show. */
export interface FixTarget {
  namespace: string;
  pod: string;
  onApplied: (finding: Finding, title: string, applied: FixApplied) => void;
}

export function FindingCard({ finding, target }: { finding: Finding; target?: FixTarget }) {
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
      {target && f.fixes?.map((fix, j) => <FixCard key={j} namespace={target.namespace} pod={target.pod} finding={f} fix={fix} onApplied={(result) => target.onApplied(f, fix.title, result)} />)}
      {f.changes && f.changes.length > 0 && (
        <>
          <h4>Changes</h4>
          <ul className="changes" aria-label="Changes">
            {f.changes.map((c, j) => (
              <li key={j} className="change">
                <div>
                  {c.what} <CopyButton text={c.text} />
                </div>
                <pre className="change-text">{c.text}</pre>
              </li>
            ))}
          </ul>
        </>
      )}
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

export function FindingList({ findings, target }: { findings: Finding[]; target?: FixTarget }) {
  return (
    <>
      {findings.map((f, i) => (
        <FindingCard key={i} finding={f} {...(target && { target })} />
      ))}
    </>
  );
}
