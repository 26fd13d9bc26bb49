// How a Service sees a pod (endpointslice/util and api/v1/pod's FindPort),
// shared by the Endpoints and EndpointSlice controllers: whether the pod is an
// endpoint at all, which port a service port reaches on it, and whether it
// gets a DNS hostname under the Service.

import { isPodTerminal, podIPs } from './podUtil.ts';
import type { Pod, Service, ServicePort } from './types.ts';

/** ShouldPodBeInEndpoints: not finished, has an IP, and (unless `includeTerminating`) not being deleted. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (podIPs(pod).length === 0) return false;
  return includeTerminating || !pod.metadata.deletionTimestamp;
}

/** The pod's IPv4 address: Services here are single-stack IPv4. */
export function podIPv4(pod: Pod): string | undefined {
  return podIPs(pod).find((ip) => !ip.includes(':'));
}

/** podutil.FindPort: a numeric targetPort as is; a named one looked up among the containers' (and sidecars') ports with the same protocol. */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  const protocol = servicePort.protocol ?? 'TCP';
  const sidecars = (pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const container of [...pod.spec.containers, ...sidecars]) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? 'TCP') === protocol) return port.containerPort;
    }
  }
  return undefined;
}

/** ShouldSetHostname: the pod asked to be `<hostname>.<service>` (a StatefulSet member under its headless Service). */
export function shouldSetHostname(pod: Pod, service: Service): boolean {
  return !!pod.spec.hostname && pod.spec.subdomain === service.metadata.name && pod.metadata.namespace === service.metadata.namespace;
}

/** helper.IsServiceIPSet: a ClusterIP other than None. */
export function isServiceIPSet(service: Service): boolean {
  const ip = service.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/** The selector the endpoint controllers follow: absent or empty means "no endpoints from us" (ExternalName has none either). */
export function serviceSelector(service: Service): Record<string, string> | undefined {
  if (service.spec?.type === 'ExternalName') return undefined;
  const selector = service.spec?.selector;
  return selector && Object.keys(selector).length > 0 ? selector : undefined;
}

export function podTargetRef(pod: Pod): { kind: 'Pod'; namespace: string; name: string; uid: string } {
  return { kind: 'Pod', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
}
