// Each container's probes: their settings as `kubectl describe` prints them,
// the current result (ready/started), and the history of failures the
// kubelet reported as Unhealthy events.

import { ageSince } from '../../main/apiserver/resources/shared/humanDuration.ts';
import { describeProbe } from '../../main/insight/probes.ts';
import { eventTime, type EventView, type PodView, type ProbeView } from '../../main/insight/podView.ts';
import { useNow } from '../hooks/useNow.ts';

const kinds = [
  ['startupProbe', 'Startup'],
  ['livenessProbe', 'Liveness'],
  ['readinessProbe', 'Readiness'],
] as const;

export function ProbesTab({ pod, events }: { pod: PodView; events: EventView[] }) {
  const now = useNow();
  const containers = pod.spec?.containers ?? [];
  const withProbes = containers.filter((c) => kinds.some(([field]) => c[field]));
  if (withProbes.length === 0) return <p className="muted">No container of this pod has a probe. Without a readiness probe a container counts as ready as soon as it runs.</p>;
  return (
    <div>
      {withProbes.map((c) => {
        const status = pod.status?.containerStatuses?.find((s) => s.name === c.name);
        return (
          <div className="card" key={c.name}>
            <div className="card-title">
              <b>{c.name}</b>: {status ? `${status.ready ? 'ready' : 'not ready'}, ${status.started ? 'started' : 'not started'}` : 'not running yet'}
            </div>
            {kinds.map(([field, label]) => {
              const probe = c[field] as ProbeView | undefined;
              if (!probe) return null;
              const failures = events
                .filter((e) => e.reason === 'Unhealthy' && (e.message ?? '').startsWith(`${label} probe failed`) && (!e.involvedObject?.fieldPath || e.involvedObject.fieldPath.includes(`{${c.name}}`)))
                .sort((a, b) => Date.parse(eventTime(b) || '0') - Date.parse(eventTime(a) || '0'));
              return (
                <div className="probe" key={field}>
                  <div>
                    <b>{label}</b> <code>{describeProbe(probe)}</code>
                  </div>
                  {failures.length === 0 ? (
                    <div className="muted">No failure reported{status?.state?.running ? '' : ' (the container is not running)'}.</div>
                  ) : (
                    <ul className="probe-history">
                      {failures.map((e) => (
                        <li key={e.metadata.uid ?? e.metadata.name}>
                          <span className="tone-bad">failed</span> x{e.count ?? 1}, last {ageSince(eventTime(e), now)} ago: {e.message}
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
              );
            })}
          </div>
        );
      })}
    </div>
  );
}
