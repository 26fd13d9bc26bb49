// Service environment variables (envvars.FromServices): every Service of
// the pod's namespace when enableServiceLinks is on, and the `kubernetes`
// Service of the default namespace always, as FOO_SERVICE_HOST,
// FOO_SERVICE_PORT and the Docker-link style FOO_PORT_80_TCP... variables.

import type { ServiceInfo } from './podObjects.ts';

const envName = (name: string) => name.replace(/-/g, '_').toUpperCase();

const MASTER_SERVICES = new Set(['kubernetes']);

/** The services whose variables a pod gets, as getServiceEnvVarMap picks them. */
export function servicesForPod(services: ServiceInfo[], namespace: string, enableServiceLinks: boolean): ServiceInfo[] {
  const byName = new Map<string, ServiceInfo>();
  for (const service of services) {
    if (service.namespace === 'default' && MASTER_SERVICES.has(service.name)) {
      if (!byName.has(service.name)) byName.set(service.name, service);
    } else if (service.namespace === namespace && enableServiceLinks) {
      byName.set(service.name, service);
    }
  }
  return [...byName.values()];
}

export function serviceEnvVars(services: ServiceInfo[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const service of services) {
    const prefix = envName(service.name);
    const first = service.ports[0]!;
    env.set(`${prefix}_SERVICE_HOST`, service.clusterIP);
    env.set(`${prefix}_SERVICE_PORT`, String(first.port));
    for (const port of service.ports) if (port.name) env.set(`${prefix}_SERVICE_PORT_${envName(port.name)}`, String(port.port));
    service.ports.forEach((port, i) => {
      const protocol = (port.protocol || 'TCP').toLowerCase();
      const host = service.clusterIP.includes(':') ? `[${service.clusterIP}]` : service.clusterIP;
      const url = `${protocol}://${host}:${port.port}`;
      if (i === 0) env.set(`${prefix}_PORT`, url);
      const portPrefix = `${prefix}_PORT_${port.port}_${protocol.toUpperCase()}`;
      env.set(portPrefix, url);
      env.set(`${portPrefix}_PROTO`, protocol);
      env.set(`${portPrefix}_PORT`, String(port.port));
      env.set(`${portPrefix}_ADDR`, service.clusterIP);
    });
  }
  return env;
}
