// Where a webhook named by a Service is reached: one ready endpoint's pod IP
// and the Service port's target port, as kube-apiserver resolves it with
// --enable-aggregator-routing (k8s.io/apiserver/pkg/util/proxy ResolveEndpoint),
// the same words for what is missing.

import type { KubeObject } from '../../../kube/meta.ts';
import { arrayAt, objectAt, objectsAt, stringAt } from '../../resources/shared/json.ts';

export type ObjectGetter = (namespace: string, name: string) => Promise<KubeObject | undefined>;

/** What kept the Service from giving an address: the class the debugger explains. */
export type EndpointProblem = 'service-not-found' | 'unsupported-service-type' | 'no-service-port' | 'endpoints-not-found' | 'no-ready-endpoints';

export class EndpointResolutionError extends Error {
  constructor(
    readonly problem: EndpointProblem,
    message: string,
  ) {
    super(message);
  }
}

export async function resolveServiceEndpoint(
  services: ObjectGetter,
  endpoints: ObjectGetter,
  namespace: string,
  name: string,
  port: number,
): Promise<{ host: string; port: number }> {
  const service = await services(namespace, name);
  if (!service) throw new EndpointResolutionError('service-not-found', `service "${name}" not found`);
  const type = stringAt(objectAt(service, 'spec'), 'type') || 'ClusterIP';
  if (!['ClusterIP', 'NodePort', 'LoadBalancer'].includes(type)) throw new EndpointResolutionError('unsupported-service-type', `unsupported service type "${type}"`);
  const servicePort = objectsAt(objectAt(service, 'spec'), 'ports').find((p) => p.port === port);
  if (!servicePort) throw new EndpointResolutionError('no-service-port', `no service port ${port} found for service "${name}"`);
  const portName = stringAt(servicePort, 'name');
  const eps = await endpoints(namespace, name);
  if (!eps) throw new EndpointResolutionError('endpoints-not-found', `endpoints "${name}" not found`);
  for (const subset of objectsAt(eps, 'subsets')) {
    const addresses = arrayAt(subset, 'addresses');
    const match = objectsAt(subset, 'ports').find((p) => stringAt(p, 'name') === portName);
    const first = addresses[0] as { ip?: string } | undefined;
    if (match && first?.ip && typeof match.port === 'number') return { host: first.ip, port: match.port };
  }
  throw new EndpointResolutionError('no-ready-endpoints', `no endpoints available for service "${name}"`);
}
