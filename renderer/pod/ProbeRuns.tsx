// The runs of one probe: a strip with one mark per run (oldest left), then
// the latest runs newest first. Failures and errors stand out; runs against
// an earlier instance of the container (before a restart) say so.

import { useState } from 'react';
import { humanDuration } from '../../main/apiserver/resources/shared/humanDuration.ts';
import type { ProbeRun } from '../../preload/api.ts';

const shownByDefault = 8;
const outcomeText = { success: 'ok', failure: 'failed', error: 'error' } as const;
const outcomeTone = { success: 'ok', failure: 'bad', error: 'warn' } as const;

/** Status containerIDs carry the runtime's scheme (docker://ID); the kubelet records the bare ID. */
function sameInstance(statusContainerId: string | undefined, runContainerId: string): boolean {
  return !!statusContainerId && (statusContainerId === runContainerId || statusContainerId.endsWith(`://${runContainerId}`));
}

function clockTime(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}

export function ProbeRuns({ runs, currentContainerId, now }: { runs: ProbeRun[]; currentContainerId?: string; now: Date }) {
  const [all, setAll] = useState(false);
  if (runs.length === 0) return <div className="muted">No run yet.</div>;
  const failed = runs.filter((r) => r.outcome !== 'success').length;
  const last = runs[runs.length - 1];
  const newestFirst = [...runs].reverse();
  const shown = all ? newestFirst : newestFirst.slice(0, shownByDefault);
  return (
    <div className="probe-runs">
      <div className="probe-strip" aria-label="Probe runs, oldest first">
        {runs.map((r) => (
          <span key={`${r.time}/${r.containerId}`} className={`probe-mark probe-${r.outcome}`} title={`${clockTime(r.time)} ${outcomeText[r.outcome]} (${r.latencyMs} ms)${r.message ? `: ${r.message}` : ''}`} />
        ))}
        <span className="probe-counts">
          {runs.length} runs: <span className="tone-ok">{runs.length - failed} ok</span>
          {failed > 0 && <span className="tone-bad">, {failed} failed</span>} · last {humanDuration(Math.max(0, now.getTime() - last.time))} ago
        </span>
      </div>
      <table className="plain probe-table">
        <tbody>
          {shown.map((r) => (
            <tr key={`${r.time}/${r.containerId}`} className={`probe-run probe-run-${r.outcome}`} data-outcome={r.outcome}>
              <td className="muted">{clockTime(r.time)}</td>
              <td className={`tone-${outcomeTone[r.outcome]}`}>
                <b>{outcomeText[r.outcome]}</b>
              </td>
              <td className="muted">{r.latencyMs} ms</td>
              <td className="probe-message">
                {r.message}
                {currentContainerId && !sameInstance(currentContainerId, r.containerId) && <span className="chip">earlier instance</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {runs.length > shownByDefault && (
        <button className="link" onClick={() => setAll(!all)}>
          {all ? 'Show the latest only' : `Show all ${runs.length} kept runs`}
        </button>
      )}
    </div>
  );
}
