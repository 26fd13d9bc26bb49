// The pod's life in order (see main/insight/podTimeline.ts): each step with
// its offset from the pod's creation, what happened and who said so.

import { humanDuration } from '../../main/apiserver/resources/shared/humanDuration.ts';
import type { EventView, PodView } from '../../main/insight/podView.ts';
import { podTimeline, type TimelineStep } from '../../main/insight/podTimeline.ts';

const stepLabels: Record<TimelineStep, string> = { api: 'API', schedule: 'Scheduler', node: 'Node', image: 'Image', container: 'Container', probe: 'Probe', ready: 'Status' };

export function Timeline({ pod, events }: { pod: PodView; events: EventView[] }) {
  const entries = podTimeline(pod, events);
  if (entries.length === 0) return null;
  const start = Date.parse(entries[0].time);
  return (
    <ol className="timeline" aria-label="Lifecycle">
      {entries.map((e, i) => (
        <li key={i} className="timeline-entry" data-step={e.step} data-reason={e.reason}>
          <span className="timeline-offset muted" title={e.time}>
            +{humanDuration(Math.max(0, Date.parse(e.time) - start))}
          </span>
          <span className="timeline-step">{stepLabels[e.step]}</span>
          <span className="timeline-text">
            <span className={`tone-${e.tone}`}>{e.title}</span>
            {e.detail && <span className="muted"> {e.detail}</span>}
          </span>
        </li>
      ))}
    </ol>
  );
}
