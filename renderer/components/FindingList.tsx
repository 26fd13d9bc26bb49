// The guided debugger's findings, however they were found (a pod, a
// workload, a refused request): what is wrong and why, the evidence in
// Kubernetes' own words, the changes to paste, and the commands to run next.

import type { Finding } from '../../preload/api.ts';

export function CopyButton({ text }: { text: string }) {
  return (
    <button className="small" onClick={() => void navigator.clipboard?.writeText(text)} title="Copy">
      Copy
    </button>
  );
}

export function FindingList({ findings }: { findings: Finding[] }) {
  return (
    <>
      {findings.map((f, i) => (
        <div key={i} className={`finding finding-${f.severity}`} data-rule={f.rule}>
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
      ))}
    </>
  );
}
