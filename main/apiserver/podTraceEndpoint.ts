// GET /podlab/v1/namespaces/{namespace}/pods/{name}/trace: a pod's journey,
// as PodLab's PodTrace JSON or, with ?format=otlp, as OpenTelemetry's
// OTLP/JSON. It is PodLab's own endpoint, not an API group (discovery and
// `kubectl api-resources` do not list it); reading it needs what reading the
// pod needs, `get` on pods in the namespace. The pod that exists now is
// answered by its uid; a pod that does not (refused, or deleted) by the
// newest journey under its name; neither is a 404 as for the pod itself.

import type { PodTrace } from '../../preload/api.ts';
import type { JourneyRecorder } from '../kube/trace/journeyRecorder.ts';
import { toOtlp, type OtlpTraces } from '../kube/trace/otlp.ts';
import type { Authorizer } from './auth/authorizer.ts';
import { forbiddenError } from './auth/forbidden.ts';
import type { UserInfo } from './auth/user.ts';
import { errors } from './errors.ts';
import type { ResourceRegistry } from './registry/registry.ts';
import { getIfExists } from './storedObject.ts';

const tracePath = /^\/podlab\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/trace\/?$/;

export interface PodTraceEndpointDeps {
  journeys: JourneyRecorder;
  authorizer: Authorizer;
  pods: () => ResourceRegistry | undefined;
}

export class PodTraceEndpoint {
  constructor(private readonly deps: PodTraceEndpointDeps) {}

  /** The pod a path asks the trace of, if it is this endpoint's. */
  match(path: string): { namespace: string; name: string } | undefined {
    const found = tracePath.exec(path);
    if (!found) return undefined;
    try {
      return { namespace: decodeURIComponent(found[1]!), name: decodeURIComponent(found[2]!) };
    } catch {
      return undefined;
    }
  }

  async serve(user: UserInfo, namespace: string, name: string, query: URLSearchParams): Promise<PodTrace | OtlpTraces> {
    const attrs = { user, verb: 'get', group: '', version: 'v1', resource: 'pods', subresource: '', namespace, name, isResourceRequest: true };
    const decision = await this.deps.authorizer.authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
    const format = query.get('format') ?? '';
    if (format !== '' && format !== 'otlp' && format !== 'podlab') throw errors.badRequest(`unknown trace format "${format}": use "otlp" for OpenTelemetry's OTLP/JSON, or none for PodLab's`);
    const pod = await getIfExists(this.deps.pods(), namespace, name);
    const trace = pod ? this.deps.journeys.trace(namespace, name, pod.metadata.uid) : this.deps.journeys.trace(namespace, name);
    if (!trace) {
      const notFound = errors.notFound({ group: '', resource: 'pods' }, name);
      // The pod exists but its journey is not kept (it came before this process, or is long past): say so rather than deny the pod.
      if (pod) notFound.status.message = `no journey recorded for pod "${name}": PodLab keeps the traces of recent pods in memory, from when it started`;
      throw notFound;
    }
    return format === 'otlp' ? toOtlp(trace) : trace;
  }
}
