// The configuration the add-on gets: every Service with its endpoints,
// reduced to what DNS and the ClusterIP proxy use. The `kubernetes` Service
// is the one exception to "endpoints come from the API": its traffic goes to
// the API server's gateway (see apiGateway.ts), wherever its Endpoints point.

import { CONFIG_VERSION, portKey, type AddonConfig, type AddonService } from '../addon/config.ts';
import type { PolicyTable } from '../addon/policy.ts';
import type { ServiceView } from './serviceTable.ts';

export interface AddonSettings {
  subnet: string;
  dnsIP: string;
  clusterDomain: string;
  upstreamDns: string[];
  /** Where the `kubernetes` Service goes. */
  apiServer: { address: string; port: number };
}

export function buildAddonConfig(generation: number, settings: AddonSettings, services: ServiceView[], policies: PolicyTable = {}): AddonConfig {
  return {
    ...(Object.keys(policies).length ? { policies } : {}),
    version: CONFIG_VERSION,
    generation,
    clusterDomain: settings.clusterDomain,
    subnet: settings.subnet,
    dnsIP: settings.dnsIP,
    upstreamDns: settings.upstreamDns,
    services: services.map((service) => toAddonService(service, settings)),
  };
}

function toAddonService(service: ServiceView, settings: AddonSettings): AddonService {
  const result: AddonService = {
    namespace: service.namespace,
    name: service.name,
    ports: service.ports.map(({ name, protocol, port }) => ({ name, protocol, port })),
    endpoints: service.endpoints,
  };
  if (service.clusterIP) result.clusterIP = service.clusterIP;
  if (service.externalName) result.externalName = service.externalName;
  if (service.publishNotReadyAddresses) result.publishNotReadyAddresses = true;
  if (service.namespace === 'default' && service.name === 'kubernetes') {
    const ports = Object.fromEntries(service.ports.map((port) => [portKey(port.name, port.protocol), settings.apiServer.port]));
    result.endpoints = [{ address: settings.apiServer.address, ready: true, ports }];
  }
  return result;
}
