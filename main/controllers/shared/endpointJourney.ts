// The endpoint controllers' part of a pod's journey: the write that lists
// the pod's IP as ready in its Service's Endpoints or EndpointSlice (the
// moment traffic may reach it), and the write that takes it out of the
// ready set. Computed before the write from what was there and what is
// wanted, so each pod's span covers the write that made the change.

import type { ActiveSpan } from '../../kube/trace/activeSpan.ts';
import type { JourneyRecorder, PodRef } from '../../kube/trace/journeyRecorder.ts';
import { isApiError } from '../../kube/client/types.ts';

export interface PodAddress {
  pod: PodRef;
  ip: string;
  ready: boolean;
}

interface TargetRef {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
}

function podOf(ref: TargetRef | undefined): PodRef | undefined {
  if (ref?.kind !== 'Pod' || !ref.uid || !ref.name) return undefined;
  return { namespace: ref.namespace ?? '', name: ref.name, uid: ref.uid };
}

/** The pods an Endpoints object's subsets list, ready or not. */
export function endpointsAddresses(subsets: unknown): PodAddress[] {
  const out: PodAddress[] = [];
  for (const subset of (Array.isArray(subsets) ? subsets : []) as { addresses?: { ip?: string; targetRef?: TargetRef }[]; notReadyAddresses?: { ip?: string; targetRef?: TargetRef }[] }[]) {
    for (const [list, ready] of [
      [subset.addresses, true],
      [subset.notReadyAddresses, false],
    ] as const) {
      for (const address of list ?? []) {
        const pod = podOf(address.targetRef);
        if (pod && address.ip) out.push({ pod, ip: address.ip, ready });
      }
    }
  }
  return out;
}

/** The pods EndpointSlices' endpoints name, ready or not (an unknown readiness counts as ready, as the API says). */
export function sliceAddresses(slices: { endpoints?: unknown[] | null }[]): PodAddress[] {
  const out: PodAddress[] = [];
  for (const slice of slices) {
    for (const endpoint of (slice.endpoints ?? []) as { addresses?: string[]; conditions?: { ready?: boolean }; targetRef?: TargetRef }[]) {
      const pod = podOf(endpoint.targetRef);
      const ip = endpoint.addresses?.[0];
      if (pod && ip) out.push({ pod, ip, ready: endpoint.conditions?.ready !== false });
    }
  }
  return out;
}

/**
 * Starts a span for every pod whose readiness in the Service changes from
 * `before` to `after` (ready now and not before, or no longer ready); end
 * them with the write's outcome.
 */
export function startReadinessSpans(journeys: JourneyRecorder | undefined, component: string, what: string, service: string, before: PodAddress[], after: PodAddress[]): ActiveSpan[] {
  if (!journeys) return [];
  const readyBefore = new Set(before.filter((a) => a.ready).map((a) => a.pod.uid));
  const readyAfter = new Set(after.filter((a) => a.ready).map((a) => a.pod.uid));
  const spans: ActiveSpan[] = [];
  for (const address of after) {
    if (address.ready && !readyBefore.has(address.pod.uid)) {
      spans.push(journeys.forPod(address.pod, component).start('service', `${what} ${service}: ready`, { service, ip: address.ip, ready: true }));
    }
  }
  for (const address of before) {
    if (address.ready && !readyAfter.has(address.pod.uid)) {
      spans.push(journeys.forPod(address.pod, component).start('service', `${what} ${service}: not ready`, { service, ip: address.ip, ready: false }));
    }
  }
  return spans;
}

/**
 * Ends the spans with the write's outcome. A write that lost a race with the
 * controller's own cache (a conflict) is retried with fresh state and makes
 * its own spans then: the lost one is not part of any pod's journey.
 */
export async function writeWithSpans<T>(spans: ActiveSpan[], write: () => Promise<T>, describe?: (result: T) => Record<string, string | number | undefined>): Promise<T> {
  try {
    const result = await write();
    const attributes = describe?.(result);
    for (const span of spans) span.end(attributes ? { attributes } : {});
    return result;
  } catch (err) {
    const lostRace = isApiError(err, 'Conflict') || isApiError(err, 'AlreadyExists') || isApiError(err, 'NotFound');
    if (!lostRace) for (const span of spans) span.fail(err);
    throw err;
  }
}
