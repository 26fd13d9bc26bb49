// EndpointSlices (discovery.k8s.io/v1): address type, endpoints and ports,
// and the ADDRESSTYPE / PORTS / ENDPOINTS columns.

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { invalid, notSupported, required, tooMany } from '../validation/fieldErrors.ts';
import { isDNS1123Subdomain, isIPv4, isIPv6, isValidPortNum } from '../validation/names.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince } from './shared/humanDuration.ts';
import { arrayAt, numberAt, objectsAt, stringAt } from './shared/json.ts';
import { listWithMore } from './shared/tableCells.ts';

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];

function validate(slice: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const addressType = stringAt(slice, 'addressType');
  if (!addressType) errs.push(required('addressType'));
  else if (!addressTypes.includes(addressType)) errs.push(notSupported('addressType', addressType, addressTypes));
  const endpoints = objectsAt(slice, 'endpoints');
  if (endpoints.length > 1000) errs.push(tooMany('endpoints', endpoints.length, 1000));
  endpoints.forEach((ep, i) => {
    const addresses = arrayAt(ep, 'addresses').map(String);
    if (addresses.length === 0) errs.push(required(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
    else if (addresses.length > 100) errs.push(tooMany(`endpoints[${i}].addresses`, addresses.length, 100));
    addresses.forEach((address, j) => {
      const path = `endpoints[${i}].addresses[${j}]`;
      if (addressType === 'IPv4' && !isIPv4(address)) errs.push(invalid(path, address, 'must be a valid IPv4 address'));
      if (addressType === 'IPv6' && !isIPv6(address)) errs.push(invalid(path, address, 'must be a valid IPv6 address'));
      if (addressType === 'FQDN') errs.push(...isDNS1123Subdomain(address).map((msg) => invalid(path, address, msg)));
    });
  });
  objectsAt(slice, 'ports').forEach((port, i) => {
    const number = numberAt(port, 'port');
    if (number !== undefined) errs.push(...isValidPortNum(number).map((msg) => invalid(`ports[${i}].port`, number, msg)));
  });
  return errs;
}

export const endpointslices: ResourceDefinition = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  subresources: [],
  strategy: {
    applyDefaults: (slice) => {
      for (const port of objectsAt(slice, 'ports')) {
        if (port.protocol === undefined) port.protocol = 'TCP';
        if (port.name === undefined) port.name = '';
      }
    },
    validate,
    table: {
      columns: [
        nameColumn(),
        column('AddressType', 'string', 'addressType specifies the type of address carried by this EndpointSlice.'),
        column('Ports', 'string', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
        column('Endpoints', 'string', 'endpoints is a list of unique endpoints in this slice.'),
        ageColumn(),
      ],
      row: (slice, now) => [
        slice.metadata.name,
        stringAt(slice, 'addressType'),
        listWithMore(objectsAt(slice, 'ports').map((p) => (numberAt(p, 'port') !== undefined ? String(numberAt(p, 'port')) : stringAt(p, 'name') || '*'))),
        listWithMore(objectsAt(slice, 'endpoints').flatMap((ep) => arrayAt(ep, 'addresses').map(String))),
        ageSince(slice.metadata.creationTimestamp, now),
      ],
    },
  },
};
