// ClusterIP and NodePort allocation for Services, as kube-apiserver's service
// REST storage does it: a ClusterIP from the cluster's Service range (its
// first address is the `kubernetes` Service's), a NodePort from 30000-32767
// for NodePort and LoadBalancer Services, and the same errors when a requested
// address or port is outside the range or taken. What is taken is read from
// the stored Services themselves, so nothing separate can drift after a crash;
// allocations in this process are serialized so two creates cannot pick the
// same address.

import { errors } from '../errors.ts';
import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { UNTOUCHED, type AdmissionAttributes, type AdmissionPlugin, type MutationOutcome } from './admission.ts';

export const nodePortRange = { min: 30000, max: 32767 };

interface ServicePort {
  name?: string;
  port?: number;
  nodePort?: number;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export class ServiceRange {
  readonly first: number;
  readonly last: number;

  constructor(readonly cidr: string) {
    const [address, bits] = cidr.split('/');
    const size = 2 ** (32 - Number(bits));
    const base = ipToNumber(address) - (ipToNumber(address) % size);
    // The network and broadcast addresses are never handed out.
    this.first = base + 1;
    this.last = base + size - 2;
  }

  /** The `kubernetes` Service's address: the first of the range, as Kubernetes reserves it. */
  get apiServerIP(): string {
    return numberToIp(this.first);
  }

  contains(ip: string): boolean {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return false;
    const n = ipToNumber(ip);
    return n >= this.first && n <= this.last;
  }

  /** The lowest free address after the reserved first one. */
  next(used: Set<string>): string | undefined {
    for (let n = this.first + 1; n <= this.last; n++) if (!used.has(numberToIp(n))) return numberToIp(n);
    return undefined;
  }
}

const needsNodePorts = (type: string | undefined) => type === 'NodePort' || type === 'LoadBalancer';

export class ServiceAllocationPlugin implements AdmissionPlugin {
  readonly name = 'ServiceAllocation';
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly range: ServiceRange,
    private readonly listServices: () => Promise<KubeObject[]>,
    /**
     * NodePorts are served on 127.0.0.1 of this machine, which other programs (and
     * other PodLab clusters) share: an allocated port must also be free there.
     */
    private readonly hostPortFree: (port: number) => Promise<boolean> = async () => true,
  ) {}

  mutate(attrs: AdmissionAttributes): Promise<void> | MutationOutcome {
    if (attrs.resource.kind !== 'Service' || attrs.resource.group !== '' || attrs.subresource || !attrs.object) return UNTOUCHED;
    if (attrs.operation !== 'CREATE' && attrs.operation !== 'UPDATE') return;
    // One allocation at a time: the used set must not change between reading it and storing the new Service.
    const run = this.queue.then(() => this.allocate(attrs.object!, attrs.oldObject));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async allocate(service: KubeObject, old: KubeObject | undefined): Promise<void> {
    const spec = (service.spec ?? {}) as ServiceSpec;
    const oldSpec = (old?.spec ?? {}) as ServiceSpec;
    const others = (await this.listServices()).filter((s) => s.metadata.uid !== service.metadata.uid && !(s.metadata.namespace === service.metadata.namespace && s.metadata.name === service.metadata.name));
    const fieldErrors: FieldError[] = [];

    if (spec.type !== 'ExternalName') {
      if (old && oldSpec.clusterIP && !spec.clusterIP) spec.clusterIP = oldSpec.clusterIP;
      const requested = spec.clusterIP || spec.clusterIPs?.[0];
      if (!old || requested !== oldSpec.clusterIP) {
        const usedIPs = new Set(others.flatMap((s) => ((s.spec ?? {}) as ServiceSpec).clusterIPs ?? []));
        if (!requested) {
          const ip = this.range.next(usedIPs);
          if (!ip) throw errors.internal(`failed to allocate a serviceIP: range is full`);
          spec.clusterIP = ip;
        } else if (requested !== 'None') {
          if (!this.range.contains(requested)) {
            fieldErrors.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', value: [requested], detail: `failed to allocate IP ${requested}: provided IP is not in the valid range. The range of valid IPs is ${this.range.cidr}` });
          } else if (usedIPs.has(requested)) {
            fieldErrors.push({ type: 'FieldValueInvalid', field: 'spec.clusterIPs', value: [requested], detail: `failed to allocate IP ${requested}: provided IP is already allocated` });
          } else {
            spec.clusterIP = requested;
          }
        }
      }
      if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
    }

    const ports = spec.ports ?? [];
    if (needsNodePorts(spec.type)) {
      const usedPorts = new Set(others.flatMap((s) => (((s.spec ?? {}) as ServiceSpec).ports ?? []).map((p) => p.nodePort).filter((p): p is number => !!p)));
      const oldPorts = new Set((oldSpec.ports ?? []).map((p) => p.nodePort));
      for (const [i, port] of ports.entries()) {
        if (port.nodePort) {
          const keeps = oldPorts.has(port.nodePort);
          if (!keeps && (port.nodePort < nodePortRange.min || port.nodePort > nodePortRange.max)) {
            fieldErrors.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, value: port.nodePort, detail: `provided port is not in the valid range. The range of valid ports is ${nodePortRange.min}-${nodePortRange.max}` });
          } else if (!keeps && usedPorts.has(port.nodePort)) {
            fieldErrors.push({ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, value: port.nodePort, detail: 'provided port is already allocated' });
          }
          usedPorts.add(port.nodePort);
          continue;
        }
        // A port that keeps its number across an update keeps its nodePort.
        const previous = (oldSpec.ports ?? []).find((p) => p.port === port.port && p.nodePort)?.nodePort;
        const candidate = previous ?? (await this.freeNodePort(usedPorts));
        if (!candidate) throw errors.internal('failed to allocate a nodePort: range is full');
        port.nodePort = candidate;
        usedPorts.add(candidate);
      }
    } else {
      for (const port of ports) delete port.nodePort;
    }
    if (fieldErrors.length) throw errors.invalid('Service', '', service.metadata.name ?? '', fieldErrors);
    service.spec = spec;
  }

  private async freeNodePort(used: Set<number>): Promise<number | undefined> {
    for (let p = nodePortRange.min; p <= nodePortRange.max; p++) if (!used.has(p) && (await this.hostPortFree(p))) return p;
    return undefined;
  }
}
