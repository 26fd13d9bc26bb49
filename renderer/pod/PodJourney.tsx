// The Overview's journey: PodLab's trace of the pod, read every second
// until the pod is Ready (or was refused), then kept as it is. A cluster
// that is not PodLab's keeps no trace: the journey is then rebuilt here from
// the pod and its events as the view already watches them (no request of its
// own), to the second, and says so.

import { useEffect, useState } from 'react';
import type { EventView, PodView } from '../../main/insight/podView.ts';
import { rebuiltJourney } from '../../main/insight/rebuiltJourney.ts';
import type { PodTrace } from '../../preload/api.ts';
import { requireBridge } from '../bridge.ts';
import { JourneyWaterfall } from './JourneyWaterfall.tsx';
import { journeyComplete } from './journeyLayout.ts';

const pollMs = 1000;

export function PodJourney({ pod, events }: { pod: PodView; events: EventView[] }) {
  const namespace = pod.metadata.namespace ?? 'default';
  const name = pod.metadata.name ?? '';
  const uid = pod.metadata.uid;
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
  return <JourneyWaterfall trace={trace ?? rebuiltJourney(pod, events)} namespace={namespace} name={name} />;
}
