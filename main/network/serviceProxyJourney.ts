// The service proxy's part of a pod's journey: the configuration write that
// first gives the proxy (the cluster add-on, PodLab's kube-proxy) the pod's
// address as a ready endpoint of a Service, and the one that takes it out
// of the ready set. What was last written is remembered per Service, so
// each change is recorded once, on the write that carried it.

import type { ActiveSpan } from '../kube/trace/activeSpan.ts';
import type { JourneyRecorder } from '../kube/trace/journeyRecorder.ts';
import type { ServiceView } from './serviceTable.ts';

export const SERVICE_PROXY = 'kube-proxy';

/** Per Service key, the ready endpoint addresses of pods and their uids. */
type ReadyPods = Map<string, Map<string, string>>;

function readyPods(services: ServiceView[]): ReadyPods {
  const ready: ReadyPods = new Map();
  for (const service of services) {
    const pods = new Map<string, string>();
    for (const endpoint of service.endpoints) {
      const pod = service.endpointPods?.get(endpoint.address);
      if (pod && endpoint.ready) pods.set(endpoint.address, pod.uid);
    }
    if (pods.size > 0) ready.set(`${service.namespace}/${service.name}`, pods);
  }
  return ready;
}

export interface ProxyWrite {
  written(attributes: Record<string, string | number>): void;
  failed(err: unknown): void;
}

export class ServiceProxyJourney {
  private written: ReadyPods = new Map();

  constructor(private readonly journeys: JourneyRecorder) {}

  /** Starts a span for each pod whose readiness in a Service the coming write changes. */
  begin(services: ServiceView[]): ProxyWrite {
    const next = readyPods(services);
    const spans: ActiveSpan[] = [];
    const byKey = new Map(services.map((s) => [`${s.namespace}/${s.name}`, s]));
    const start = (serviceKey: string, address: string, ready: boolean, service: ServiceView | undefined) => {
      const pod = service?.endpointPods?.get(address);
      if (!pod) return;
      spans.push(
        this.journeys.forPod(pod, SERVICE_PROXY).start('service', `service proxy ${serviceKey}: ${ready ? 'endpoint in' : 'endpoint out'}`, {
          service: serviceKey,
          clusterIP: service?.clusterIP,
          endpoint: address,
          ready,
        }),
      );
    };
    for (const [key, pods] of next) for (const address of pods.keys()) if (!this.written.get(key)?.has(address)) start(key, address, true, byKey.get(key));
    // An endpoint that left the ready set: its pod is still named by the Service's view when it is only not ready.
    for (const [key, pods] of this.written) for (const address of pods.keys()) if (!next.get(key)?.has(address)) start(key, address, false, byKey.get(key));
    return {
      written: (attributes) => {
        this.written = next;
        for (const span of spans) span.end({ attributes });
      },
      failed: (err) => {
        for (const span of spans) span.fail(err);
      },
    };
  }
}
