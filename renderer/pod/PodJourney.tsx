// The Overview's journey: PodLab's trace of the pod, read every second
// until the pod is Ready (or was refused), then kept as it is. A cluster
// that is not PodLab's keeps no trace: the lifecycle timeline below, built
// from timestamps, conditions and events, is what there is then.

import { useEffect, useState } from 'react';
import type { PodTrace } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { JourneyWaterfall } from './JourneyWaterfall.tsx';
import { journeyComplete } from './journeyLayout.ts';

const pollMs = 1000;

export function PodJourney({ namespace, name, uid }: { namespace: string; name: string; uid?: string }) {
  const [trace, setTrace] = useState<PodTrace | null>();
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      let done = false;
      try {
        const next = await requireBridge().call('insight.trace', { namespace, name });
        if (stopped) return;
        setTrace(next);
        done = next === null || journeyComplete(next);
      } catch {
        // The next poll tries again; the timeline below stands meanwhile.
      }
      if (!stopped && !done) timer = setTimeout(() => void poll(), pollMs);
    };
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [namespace, name, uid]);
  if (trace === undefined) return null;
  if (trace === null) return <p className="muted journey-none">No journey trace for this pod: PodLab records one for the recent pods of its own clusters. The lifecycle below is rebuilt from the pod's timestamps, conditions and events.</p>;
  return <JourneyWaterfall trace={trace} namespace={namespace} name={name} />;
}
