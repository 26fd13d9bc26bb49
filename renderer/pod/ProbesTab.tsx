// Each container's probes: their settings as `kubectl describe` prints them,
// the current result (ready/started), every recent run live from the
// kubelet's memory (successes and failures), and the failures the kubelet
// reported as Unhealthy events (those outlive the runs it keeps).

import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import { describeProbe } from '../../main/insight/probes.ts';
import { eventTime, type EventView, type PodView, type ProbeView } from '../../main/insight/podView.ts';
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

function unhealthyEvents(events: EventView[], container: string, label: string): EventView[] {
  return events
    .filter((e) => e.reason === 'Unhealthy' && (e.message ?? '').startsWith(`${label} probe failed`) && (!e.involvedObject?.fieldPath || e.involvedObject.fieldPath.includes(`{${container}}`)))
    .sort((a, b) => Date.parse(eventTime(b) || '0') - Date.parse(eventTime(a) || '0'));
}

export function ProbesTab({ pod, events }: { pod: PodView; events: EventView[] }) {
  const now = useNow();
  const live = useProbeHistory(pod.metadata.namespace ?? 'default', pod.metadata.name ?? '', pod.metadata.uid, pod.spec?.nodeName);
  const containers = pod.spec?.containers ?? [];
  const withProbes = containers.filter((c) => kinds.some(([field]) => c[field]));
  if (withProbes.length === 0) return <p className="muted">No container of this pod has a probe. Without a readiness probe a container counts as ready as soon as it runs.</p>;
  const history = live.history;
  return (
    <div>
      {live.error && <ErrorBox error={live.error} />}
      {history && !history.available && <p className="muted">Probe runs: {history.message}.</p>}
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
              const failures = unhealthyEvents(events, c.name, label);
              return (
                <div className="probe" key={field} data-probe={`${c.name}/${kind}`}>
                  <div>
                    <b>{label}</b> <code>{describeProbe(probe)}</code>
                  </div>
                  {history?.available && runs && <ProbeRuns runs={runs} currentContainerId={status?.containerID} now={now} />}
                  {failures.length > 0 && (
                    <ul className="probe-history" aria-label="Unhealthy events">
                      {failures.map((e) => (
                        <li key={e.metadata.uid ?? e.metadata.name}>
                          <span className="tone-bad">failed</span> x{e.count ?? 1} (event), last {ageSince(eventTime(e), now)} ago: {e.message}
                        </li>
                      ))}
                    </ul>
                  )}
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
