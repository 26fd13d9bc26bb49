// Endpoints (core/v1): addresses and ports of each subset, and the
// ENDPOINTS column ("10.0.0.1:80,10.0.0.2:80 + 3 more...").

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid, notSupported, required } from '../validation/fieldErrors.ts';
import { isDNS1123Label, isValidIP, isValidPortNum } from '../validation/names.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { numberAt, objectsAt, stringAt } from './shared/json.ts';

const protocols = ['SCTP', 'TCP', 'UDP'];

function validate(ep: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  objectsAt(ep, 'subsets').forEach((subset, s) => {
    const path = `subsets[${s}]`;
    for (const key of ['addresses', 'notReadyAddresses']) {
      objectsAt(subset, key).forEach((address, a) => {
        const ip = stringAt(address, 'ip');
        errs.push(...isValidIP(ip).map((msg) => invalid(`${path}.${key}[${a}].ip`, ip, msg)));
      });
    }
    const ports = objectsAt(subset, 'ports');
    ports.forEach((port, p) => {
      const portPath = `${path}.ports[${p}]`;
      const name = stringAt(port, 'name');
      if (ports.length > 1 && !name) errs.push(required(`${portPath}.name`));
      else if (name) errs.push(...isDNS1123Label(name).map((msg) => invalid(`${portPath}.name`, name, msg)));
      const number = numberAt(port, 'port') ?? 0;
      errs.push(...isValidPortNum(number).map((msg) => invalid(`${portPath}.port`, number, msg)));
      const protocol = stringAt(port, 'protocol');
      if (!protocol) errs.push(required(`${portPath}.protocol`));
      else if (!protocols.includes(protocol)) errs.push(notSupported(`${portPath}.protocol`, protocol, protocols));
    });
  });
  return errs;
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** formatEndpoints: ready addresses times ports, at most three shown. */
export function endpointsCell(ep: KubeObject): string {
  const subsets = objectsAt(ep, 'subsets');
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const subset of subsets) {
    const addresses = objectsAt(subset, 'addresses').map((a) => stringAt(a, 'ip'));
    const ports = objectsAt(subset, 'ports');
    if (ports.length === 0) {
      count += addresses.length;
      for (const ip of addresses) if (list.length < 3) list.push(ip);
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const ip of addresses) if (list.length < 3) list.push(hostPort(ip, numberAt(port, 'port') ?? 0));
    }
  }
  const shown = list.join(',');
  return count > 3 ? `${shown} + ${count - 3} more...` : shown;
}

export const endpoints: ResourceDefinition = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  namespaced: true,
  subresources: [],
  strategy: {
    applyDefaults: (ep) => {
      for (const subset of objectsAt(ep, 'subsets')) for (const port of objectsAt(subset, 'ports')) if (!port.protocol) port.protocol = 'TCP';
    },
    validate,
    table: {
      columns: [nameColumn(), column('Endpoints', 'string', 'The set of all endpoints is the union of all subsets.'), ageColumn()],
      row: (ep, now) => [ep.metadata.name, endpointsCell(ep), ageSince(ep.metadata.creationTimestamp, now)],
    },
  },
};
