// Each container's probes: their settings as `kubectl describe` prints them,
// the current result (ready/started), every recent run live from the
// kubelet's memory (successes and failures), and the failures and restarts
// the kubelet reported as Unhealthy and Killing events (those outlive the
// runs it keeps, and are all there is on a cluster whose kubelets are not
// PodLab's).

import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import { probeEventHistory, probeEvents, type ProbeEventEntry } from '../../main/insight/probeEvents.ts';
import { describeProbe } from '../../main/insight/probes.ts';
import type { EventView, PodView, ProbeView } from '../../main/insight/podView.ts';
import type { ProbeKind } from '../../preload/api.ts';
import { ErrorBox } from '../components/ErrorBox.tsx';
import { useNow } from '../hooks/useNow.ts';
import { useProbeHistory } from '../hooks/useProbeHistory.ts';
import { ProbeRuns } from './ProbeRuns.tsx';

const kinds = [
  ['startupProbe', 'Startup', 'startup'],
  ['livenessProbe', 'Liveness', 'liveness'],
  ['readinessProbe', 'Readiness', 'readiness'],
] as const satisfies ReadonlyArray<readonly [string, string, ProbeKind]>;

function EventHistory({ entries, now }: { entries: ProbeEventEntry[]; now: Date }) {
  return (
    <ul className="probe-history" aria-label="Probe events">
      {entries.map((e, i) => (
        <li key={i} data-outcome={e.outcome}>
          <span className={e.outcome === 'restarted' ? 'tone-warn' : 'tone-bad'}>{e.outcome === 'restarted' ? 'restarted' : 'failed'}</span> x{e.count} (event)
          {e.count > 1 ? `, first ${ageSince(e.firstAt, now)} ago` : ''}, last {ageSince(e.lastAt, now)} ago: {e.message}
        </li>
      ))}
    </ul>
  );
}

export function ProbesTab({ pod, events }: { pod: PodView; events: EventView[] }) {
  const now = useNow();
  const live = useProbeHistory(pod.metadata.namespace ?? 'default', pod.metadata.name ?? '', pod.metadata.uid, pod.spec?.nodeName);
  const containers = pod.spec?.containers ?? [];
  const withProbes = containers.filter((c) => kinds.some(([field]) => c[field]));
  if (withProbes.length === 0) return <p className="muted">No container of this pod has a probe. Without a readiness probe a container counts as ready as soon as it runs.</p>;
  const history = live.history;
  const reported = probeEventHistory(events);
  return (
    <div>
      {live.error && <ErrorBox error={live.error} />}
      {history && !history.available && <p className={`muted ${history.fromEvents ? 'probe-events-note' : ''}`}>Probe runs: {history.message}.</p>}
      {withProbes.map((c) => {
        const status = pod.status?.containerStatuses?.find((s) => s.name === c.name);
        return (
          <div className="card" key={c.name}>
            <div className="card-title">
              <b>{c.name}</b>
              <span className="muted">{status ? `${status.ready ? 'ready' : 'not ready'}, ${status.started ? 'started' : 'not started'}` : 'not running yet'}</span>
            </div>
            {kinds.map(([field, label, kind]) => {
              const probe = c[field] as ProbeView | undefined;
              if (!probe) return null;
              const runs = history?.probes.find((p) => p.container === c.name && p.kind === kind)?.runs;
              const failures = probeEvents(reported, c.name, kind);
              return (
                <div className="probe" key={field} data-probe={`${c.name}/${kind}`}>
                  <div>
                    <b>{label}</b> <code>{describeProbe(probe)}</code>
                  </div>
                  {history?.available && runs && <ProbeRuns runs={runs} currentContainerId={status?.containerID} now={now} />}
                  {failures.length > 0 && <EventHistory entries={failures} now={now} />}
                  {!history?.available && failures.length === 0 && <div className="muted">No failure reported{status?.state?.running ? '' : ' (the container is not running)'}.</div>}
                </div>
              );
            })}
          </div>
        );
      })}
    </div>
  );
}
