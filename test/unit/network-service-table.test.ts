import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildAddonConfig } from '../../main/network/addonConfig.ts';
import { endpointsOf, sliceEndpoints, type ServiceView } from '../../main/network/serviceTable.ts';

describe('endpoints as the proxies see them', () => {
  it('Endpoints: ready and not-ready addresses, with their hostnames and named ports', () => {
    const endpoints = endpointsOf({
      metadata: { name: 'web', namespace: 'default' },
      subsets: [
        {
          addresses: [{ ip: '10.0.0.1', hostname: 'web-0' }],
          notReadyAddresses: [{ ip: '10.0.0.2' }],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }],
        },
      ],
    });
    assert.deepEqual(endpoints, [
      { address: '10.0.0.1', ready: true, hostname: 'web-0', ports: { 'http/TCP': 8080, '/UDP': 53 } },
      { address: '10.0.0.2', ready: false, ports: { 'http/TCP': 8080, '/UDP': 53 } },
    ]);
    assert.deepEqual(endpointsOf(undefined), []);
  });

  it('EndpointSlices: readiness from conditions (unknown counts as ready), IPv4 only', () => {
    const slice = {
      metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [
        { addresses: ['10.0.0.1'], conditions: { ready: true }, hostname: 'web-0' },
        { addresses: ['10.0.0.2'], conditions: { ready: false, terminating: true } },
        { addresses: ['10.0.0.3'] },
      ],
    };
    assert.deepEqual(
      sliceEndpoints(slice).map((e) => [e.address, e.ready, e.hostname]),
      [
        ['10.0.0.1', true, 'web-0'],
        ['10.0.0.2', false, undefined],
        ['10.0.0.3', true, undefined],
      ],
    );
    assert.deepEqual(sliceEndpoints({ ...slice, addressType: 'FQDN' }), []);
  });

  it('the add-on configuration sends the kubernetes Service to the API server gateway', () => {
    const service = (namespace: string, name: string, clusterIP: string): ServiceView => ({
      namespace,
      name,
      uid: name,
      type: 'ClusterIP',
      clusterIP,
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }],
      endpoints: [{ address: '10.0.0.9', ready: true, ports: { 'https/TCP': 6443 } }],
      object: { metadata: { name, namespace } },
    });
    const config = buildAddonConfig(
      7,
      { subnet: '10.244.0.0/16', dnsIP: '10.244.128.10', clusterDomain: 'cluster.local', upstreamDns: [], apiServer: { address: '10.244.0.1', port: 40000 } },
      [service('default', 'kubernetes', '10.244.128.1'), service('other', 'kubernetes', '10.244.128.2')],
    );
    assert.equal(config.generation, 7);
    assert.deepEqual(config.services[0], {
      namespace: 'default',
      name: 'kubernetes',
      clusterIP: '10.244.128.1',
      ports: [{ name: 'https', protocol: 'TCP', port: 443 }],
      endpoints: [{ address: '10.244.0.1', ready: true, ports: { 'https/TCP': 40000 } }],
    });
    // Only default/kubernetes: a Service of that name elsewhere keeps its endpoints.
    assert.equal(config.services[1]!.endpoints[0]!.address, '10.0.0.9');
  });
});
