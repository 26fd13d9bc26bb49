// Answers for the cluster domain, following the Kubernetes DNS-Based Service
// Discovery specification as CoreDNS's kubernetes plugin implements it:
//   <svc>.<ns>.svc.<domain>              A: the ClusterIP; headless: the ready endpoints;
//                                        ExternalName: a CNAME
//   <host>.<svc>.<ns>.svc.<domain>       A: a headless endpoint, by its hostname
//                                        (StatefulSet pods: hostname + subdomain) or dashed IP
//   _<port>._<proto>.<svc>.<ns>.svc...   SRV for named ports
//   <a-b-c-d>.<ns>.pod.<domain>          A: a.b.c.d (CoreDNS `pods insecure`)
//   d.c.b.a.in-addr.arpa                 PTR for ClusterIPs and headless endpoints
// Names in the domain that do not exist are NXDOMAIN; names that exist with
// other record types are NODATA; both carry the zone's SOA so resolvers cache
// the negative answer for its TTL.

import type { AddonConfig, AddonEndpoint, AddonService } from '../config.ts';
import { portKey } from '../config.ts';
import { isIPv4 } from '../ipv4.ts';
import { RCODE, TYPE, type ResourceRecord } from './message.ts';

/** CoreDNS's default TTL for the kubernetes plugin. */
export const RECORD_TTL = 5;

export interface ZoneAnswer {
  rcode: number;
  answers: ResourceRecord[];
  /** The SOA for negative answers. */
  authority: ResourceRecord[];
  additional: ResourceRecord[];
}

const REVERSE_SUFFIX = '.in-addr.arpa';

export class ClusterZone {
  readonly domain: string;
  private readonly services = new Map<string, AddonService>();
  private readonly namespaces = new Set<string>();
  private readonly reverse = new Map<string, string[]>();

  constructor(config: Pick<AddonConfig, 'clusterDomain' | 'services'>) {
    this.domain = config.clusterDomain.replace(/\.$/, '').toLowerCase();
    for (const service of config.services) {
      this.services.set(`${service.name}.${service.namespace}`, service);
      this.namespaces.add(service.namespace);
      const fqdn = `${service.name}.${service.namespace}.svc.${this.domain}`;
      if (service.clusterIP) this.addReverse(service.clusterIP, fqdn);
      else if (!service.externalName) for (const endpoint of service.endpoints) this.addReverse(endpoint.address, `${endpointLabel(endpoint)}.${fqdn}`);
    }
  }

  /**
   * Whether this zone answers for `name`: the cluster domain, and reverse
   * names of cluster addresses (other reverse names fall through upstream,
   * as CoreDNS's `fallthrough in-addr.arpa`).
   */
  covers(name: string): boolean {
    if (name.endsWith(REVERSE_SUFFIX)) return this.reverse.has(reverseToIp(name) ?? '');
    return name === this.domain || name.endsWith(`.${this.domain}`);
  }

  answer(name: string, type: number): ZoneAnswer {
    if (name.endsWith(REVERSE_SUFFIX)) return this.answerReverse(name, type);
    const labels = name === this.domain ? [] : name.slice(0, -(this.domain.length + 1)).split('.');
    const kind = labels[labels.length - 1];
    if (labels.length === 0) return type === TYPE.SOA ? this.positive([this.soa()]) : this.nodata();
    if (kind === 'svc') return this.answerService(labels.slice(0, -1), type);
    if (kind === 'pod') return this.answerPod(labels.slice(0, -1), type);
    return this.nxdomain();
  }

  private answerService(labels: string[], type: number): ZoneAnswer {
    if (labels.length === 0) return this.nodata();
    if (labels.length === 1) return this.namespaces.has(labels[0]!) ? this.nodata() : this.nxdomain();
    const [namespace, name] = [labels[labels.length - 1]!, labels[labels.length - 2]!];
    const service = this.services.get(`${name}.${namespace}`);
    if (!service) return this.nxdomain();
    const fqdn = `${name}.${namespace}.svc.${this.domain}`;
    const rest = labels.slice(0, -2);
    if (rest.length === 0) return this.serviceRecords(service, fqdn, type);
    if (rest.length === 1) return this.endpointRecords(service, fqdn, rest[0]!, type);
    if (rest.length === 2 && rest[0]!.startsWith('_') && rest[1]!.startsWith('_')) return this.srvRecords(service, fqdn, rest[0]!.slice(1), rest[1]!.slice(1), type);
    return this.nxdomain();
  }

  private serviceRecords(service: AddonService, fqdn: string, type: number): ZoneAnswer {
    if (service.externalName) {
      // The CNAME answers every type, as a CNAME must (RFC 1034 3.6.2).
      return this.positive([{ name: fqdn, ttl: RECORD_TTL, data: { type: TYPE.CNAME, target: service.externalName.replace(/\.$/, '') } }]);
    }
    if (service.clusterIP) {
      return wants(type, TYPE.A) ? this.positive([aRecord(fqdn, service.clusterIP)]) : this.nodata();
    }
    const endpoints = dnsEndpoints(service);
    // CoreDNS: a headless Service without endpoints has no records at all.
    if (endpoints.length === 0) return this.nxdomain();
    return wants(type, TYPE.A) ? this.positive(unique(endpoints.map((e) => e.address)).map((ip) => aRecord(fqdn, ip))) : this.nodata();
  }

  private endpointRecords(service: AddonService, fqdn: string, label: string, type: number): ZoneAnswer {
    if (service.clusterIP || service.externalName) return this.nxdomain();
    const matching = dnsEndpoints(service).filter((e) => endpointLabel(e) === label);
    if (matching.length === 0) return this.nxdomain();
    return wants(type, TYPE.A) ? this.positive(matching.map((e) => aRecord(`${label}.${fqdn}`, e.address))) : this.nodata();
  }

  private srvRecords(service: AddonService, fqdn: string, portName: string, protocol: string, type: number): ZoneAnswer {
    const port = service.ports.find((p) => p.name === portName && p.protocol.toLowerCase() === protocol);
    if (!port || service.externalName) return this.nxdomain();
    const name = `_${portName}._${protocol}.${fqdn}`;
    if (!wants(type, TYPE.SRV)) return this.nodata();
    if (service.clusterIP) {
      return this.positive([{ name, ttl: RECORD_TTL, data: { type: TYPE.SRV, priority: 0, weight: 100, port: port.port, target: fqdn } }], [aRecord(fqdn, service.clusterIP)]);
    }
    const key = portKey(port.name, port.protocol);
    const endpoints = dnsEndpoints(service).filter((e) => e.ports[key] !== undefined);
    if (endpoints.length === 0) return this.nxdomain();
    const weight = Math.floor(100 / endpoints.length);
    const answers: ResourceRecord[] = [];
    const additional: ResourceRecord[] = [];
    for (const endpoint of endpoints) {
      const target = `${endpointLabel(endpoint)}.${fqdn}`;
      answers.push({ name, ttl: RECORD_TTL, data: { type: TYPE.SRV, priority: 0, weight, port: endpoint.ports[key]!, target } });
      additional.push(aRecord(target, endpoint.address));
    }
    return this.positive(answers, additional);
  }

  private answerPod(labels: string[], type: number): ZoneAnswer {
    if (labels.length === 0) return this.nodata();
    if (labels.length === 1) return this.namespaces.has(labels[0]!) ? this.nodata() : this.nxdomain();
    if (labels.length !== 2) return this.nxdomain();
    const ip = labels[0]!.replace(/-/g, '.');
    if (!isIPv4(ip)) return this.nxdomain();
    return wants(type, TYPE.A) ? this.positive([aRecord(`${labels[0]}.${labels[1]}.pod.${this.domain}`, ip)]) : this.nodata();
  }

  private answerReverse(name: string, type: number): ZoneAnswer {
    const ip = reverseToIp(name);
    const targets = ip === undefined ? undefined : this.reverse.get(ip);
    if (!targets) return this.nxdomain();
    if (!wants(type, TYPE.PTR)) return this.nodata();
    return this.positive(targets.map((target) => ({ name, ttl: RECORD_TTL, data: { type: TYPE.PTR, target } })));
  }

  private addReverse(ip: string, name: string): void {
    if (!isIPv4(ip)) return;
    const names = this.reverse.get(ip) ?? [];
    if (!names.includes(name)) names.push(name);
    this.reverse.set(ip, names);
  }

  private soa(): ResourceRecord {
    return {
      name: this.domain,
      ttl: RECORD_TTL,
      data: { type: TYPE.SOA, mname: `ns.dns.${this.domain}`, rname: `hostmaster.${this.domain}`, serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: RECORD_TTL },
    };
  }

  private positive(answers: ResourceRecord[], additional: ResourceRecord[] = []): ZoneAnswer {
    return { rcode: RCODE.NOERROR, answers, authority: [], additional };
  }

  private nodata(): ZoneAnswer {
    return { rcode: RCODE.NOERROR, answers: [], authority: [this.soa()], additional: [] };
  }

  private nxdomain(): ZoneAnswer {
    return { rcode: RCODE.NXDOMAIN, answers: [], authority: [this.soa()], additional: [] };
  }
}

function wants(asked: number, type: number): boolean {
  return asked === type || asked === TYPE.ANY;
}

function aRecord(name: string, address: string): ResourceRecord {
  return { name, ttl: RECORD_TTL, data: { type: TYPE.A, address } };
}

/** The endpoints DNS publishes: ready ones, or all with publishNotReadyAddresses. */
function dnsEndpoints(service: AddonService): AddonEndpoint[] {
  return service.endpoints.filter((e) => (e.ready || service.publishNotReadyAddresses) && isIPv4(e.address));
}

/** An endpoint's own label under its Service: its hostname, else its IP with dashes. */
function endpointLabel(endpoint: AddonEndpoint): string {
  return (endpoint.hostname ?? endpoint.address.replace(/\./g, '-')).toLowerCase();
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function reverseToIp(name: string): string | undefined {
  const octets = name.slice(0, -REVERSE_SUFFIX.length).split('.');
  const ip = octets.reverse().join('.');
  return octets.length === 4 && isIPv4(ip) ? ip : undefined;
}
