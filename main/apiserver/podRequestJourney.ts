// The API server's part of a pod's journey: a request that creates a pod
// (POST, or a server-side apply that creates) gets the request span, how it
// was authenticated and authorized, and (through the WriteContext) admission
// and the store write; once answered, its spans go to the pod's journey, or
// are kept as a refusal for the debugger. Other requests are not traced:
// the journey is about pods coming to be.

import type { KubeObject } from '../kube/meta.ts';
import type { JourneyRecorder } from '../kube/trace/journeyRecorder.ts';
import type { RequestJourney } from '../kube/trace/requestJourney.ts';
import type { ActiveSpan } from '../kube/trace/activeSpan.ts';
import type { AuthorizationAttributes, Decision } from './auth/authorizer.ts';
import { privilegedGroup } from './auth/user.ts';
import type { ApiRequest, ApiResult } from './dispatcher.ts';
import { StatusError } from './errors.ts';

const methods: Record<string, string> = { create: 'POST', patch: 'PATCH' };

function isApply(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/apply-patch+yaml';
}

/** Whether the request may create a pod: a create, or an apply (it creates when the pod does not exist yet). Dry runs create nothing. */
export function mayCreatePod(req: ApiRequest): boolean {
  const { info } = req;
  if (info.group !== '' || info.resource !== 'pods' || info.subresource) return false;
  if (req.query.getAll('dryRun').includes('All')) return false;
  return info.verb === 'create' || (info.verb === 'patch' && isApply(req.contentType));
}

/** Opens the request's journey with its authentication (measured by the HTTPS front, or the in-process client's identity). */
export function beginPodRequest(journeys: JourneyRecorder, req: ApiRequest): RequestJourney {
  const { info, user, arrival } = req;
  // The path as kubectl would send it (the in-process client's info carries no namespace in its path).
  const path = `/api/${info.version}/namespaces/${info.namespace}/pods${info.name ? `/${info.name}` : ''}`;
  const journey = journeys.beginRequest({
    name: `${methods[info.verb] ?? info.verb.toUpperCase()} ${path}`,
    attributes: { verb: info.verb, namespace: info.namespace, userAgent: req.userAgent, client: arrival ? 'https' : 'in-process' },
    ...(arrival ? { receivedMs: arrival.receivedMs } : {}),
  });
  const groups = user.groups.join(', ');
  if (arrival) {
    journey.start('admission', 'authenticate', { user: user.name, groups, method: arrival.method, impersonatedBy: arrival.impersonatedBy }, arrival.receivedMs).end({ endMs: arrival.authenticatedMs });
  } else {
    // PodLab's own components call in-process with their identity: nothing to verify, but who it was still matters.
    journey.start('admission', 'authenticate', { user: user.name, groups, method: 'in-process client (component identity)' }).end();
  }
  return journey;
}

/** Starts the authorization span; `endAuthorization` says what allowed it. */
export function startAuthorization(journey: RequestJourney, attrs: AuthorizationAttributes): ActiveSpan {
  return journey.start('admission', 'authorize', { verb: attrs.verb, resource: attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource, namespace: attrs.namespace });
}

export function endAuthorization(span: ActiveSpan, attrs: AuthorizationAttributes, decision: Decision): void {
  // The privileged group's authorizer gives no reason (as kube-apiserver's): say it was that group.
  const rule = decision.reason || (decision.allowed && attrs.user.groups.includes(privilegedGroup) ? `group ${privilegedGroup} (privileged: every request allowed, before RBAC)` : undefined);
  if (decision.allowed) span.end({ attributes: { decision: 'allow', rule } });
  else span.end({ status: 'error', message: decision.reason || 'no rule allows it', attributes: { decision: 'deny' } });
}

/** Files the journey: on the stored pod when the request created it, else nowhere (an apply that updated an existing pod). */
export function podRequestAnswered(journeys: JourneyRecorder, journey: RequestJourney, result: ApiResult): void {
  if (result.type !== 'object' || result.code !== 201) return;
  const pod = result.object as KubeObject;
  const { namespace = '', name = '', uid = '', resourceVersion } = pod.metadata;
  journeys.stored(journey, { namespace, name, uid }, { code: 201, resourceVersion });
}

/** Files a refused create under the pod's name: the debugger shows why it was never stored. */
export function podRequestRefused(journeys: JourneyRecorder, journey: RequestJourney, req: ApiRequest, err: unknown): void {
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as { metadata?: { name?: unknown; generateName?: unknown } };
  const sentName = typeof body.metadata?.name === 'string' ? body.metadata.name : typeof body.metadata?.generateName === 'string' ? body.metadata.generateName : '';
  const name = journey.name || sentName || req.info.name;
  if (!name) return;
  const status = err instanceof StatusError ? err.status : undefined;
  const message = status?.message ?? (err instanceof Error ? err.message : String(err));
  journeys.refused(journey, journey.namespace || req.info.namespace, name, message, { code: status?.code, reason: status?.reason });
}
