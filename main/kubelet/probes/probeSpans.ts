// Probe runs in a pod's journey: until the pod has been Ready, every failure
// and every success that follows a failure or comes first (how it got
// there: a readiness probe failing while the app starts, then passing);
// after that only failures, so a pod probed every ten seconds for days does
// not fill its journey with successes. A failure that repeats the same way
// counts on one span.

import type { JourneyRecorder } from '../../kube/trace/journeyRecorder.ts';
import { kubeletSpans, shortId } from '../journeySpans.ts';
import type { ProbeManager } from './probeManager.ts';

/** Records the manager's probe runs as spans; returns the unsubscribe function. */
export function recordProbeSpans(probes: ProbeManager, journeys: JourneyRecorder): () => void {
  return probes.subscribe(({ podUid, containerName, kind, record }) => {
    const pod = probes.pod(podUid);
    const spans = pod && kubeletSpans(journeys, pod);
    if (!spans) return;
    if (record.outcome === 'success') {
      if (spans.hasBeenReady()) return;
      // The run is the newest of the history; the one before tells whether this success is news.
      const runs = probes.history(podUid, containerName, kind);
      if (runs.at(-2)?.outcome === 'success') return;
    }
    // The run just ended: its span ends now on the journey's clock, and began its latency earlier.
    const endMs = journeys.now();
    const span = spans.startRepeatable('status', `probe ${kind} ${containerName}`, { probe: kind, container: containerName, containerId: shortId(record.containerId), result: record.outcome }, endMs - record.latencyMs);
    if (record.outcome === 'success') span.end({ endMs });
    else span.end({ endMs, status: 'error', message: record.message || `${kind} probe ${record.outcome}` });
  });
}
