// What a Service's Endpoints and EndpointSlices hold for a set of pods: the
// pure computations the two controllers write out.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeSubsets, endpointsLabels } from '../../main/controllers/endpoint/endpointsComputation.ts';
import { desiredSlices, sliceLabels } from '../../main/controllers/endpointslice/endpointSliceComputation.ts';
import type { Pod, Service, ServicePort } from '../../main/controllers/shared/types.ts';

interface PodShape {
  ip?: string;
  ready?: boolean;
  phase?: string;
  terminating?: boolean;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  node?: string;
  hostname?: string;
  subdomain?: string;
}

function pod(name: string, shape: PodShape = {}): Pod {
  const { ip = '10.244.0.10', ready = true, phase = 'Running', terminating = false, ports = [{ name: 'http', containerPort: 8080 }], node = 'node-1', hostname, subdomain } = shape;
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'web' }, ...(terminating ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: node, hostname, subdomain, containers: [{ name: 'c', ports }] },
    status: { phase, ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function service(ports: ServicePort[] = [{ port: 80, targetPort: 'http', protocol: 'TCP' }], extra: Partial<NonNullable<Service['spec']>> = {}, labels: Record<string, string> = {}): Service {
  return { metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', labels }, spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', ports, ...extra } };
}

describe('Endpoints subsets', () => {
  it('ready pods are addresses, not-ready pods notReadyAddresses, with targetRef and nodeName', () => {
    const subsets = computeSubsets(service(), [pod('a', { ip: '10.244.0.2' }), pod('b', { ip: '10.244.0.3', ready: false, node: 'node-2' })]);
    assert.deepEqual(subsets, [
      {
        addresses: [{ ip: '10.244.0.2', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }],
        notReadyAddresses: [{ ip: '10.244.0.3', nodeName: 'node-2', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  it('leaves out pods without an IP, finished pods and terminating pods', () => {
    const subsets = computeSubsets(service(), [pod('no-ip', { ip: '' }), pod('done', { phase: 'Succeeded' }), pod('going', { terminating: true })]);
    assert.deepEqual(subsets, []);
  });

  it('publishNotReadyAddresses makes every pod, terminating ones too, an address', () => {
    const subsets = computeSubsets(service(undefined, { publishNotReadyAddresses: true }), [pod('a', { ip: '10.244.0.2', ready: false }), pod('b', { ip: '10.244.0.3', terminating: true })]);
    assert.equal(subsets.length, 1);
    assert.deepEqual(
      subsets[0].addresses?.map((a) => a.ip),
      ['10.244.0.2', '10.244.0.3'],
    );
    assert.equal(subsets[0].notReadyAddresses, undefined);
  });

  it('a named targetPort resolves per pod: different container ports make different subsets', () => {
    const subsets = computeSubsets(service([{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }]), [
      pod('a', { ip: '10.244.0.2', ports: [{ name: 'http', containerPort: 8080 }] }),
      pod('b', { ip: '10.244.0.3', ports: [{ name: 'http', containerPort: 9090 }] }),
      pod('c', { ip: '10.244.0.4', ports: [{ name: 'metrics', containerPort: 9100 }] }),
    ]);
    assert.deepEqual(
      subsets.map((s) => [s.addresses?.map((a) => a.ip), s.ports]),
      [
        [['10.244.0.2'], [{ name: 'web', port: 8080, protocol: 'TCP' }]],
        [['10.244.0.3'], [{ name: 'web', port: 9090, protocol: 'TCP' }]],
      ],
    );
  });

  it('a numeric targetPort is used as is, and the protocol must match a named one', () => {
    const subsets = computeSubsets(
      service([
        { name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' },
        { name: 'raw', port: 81, targetPort: 9000, protocol: 'TCP' },
      ]),
      [pod('a', { ip: '10.244.0.2', ports: [{ name: 'dns', containerPort: 5353, protocol: 'TCP' }] })],
    );
    assert.deepEqual(subsets[0].ports, [{ name: 'raw', port: 9000, protocol: 'TCP' }]);
  });

  it('addresses offering the same ports share a subset, sorted by IP', () => {
    const ports: ServicePort[] = [
      { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
      { name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' },
    ];
    const subsets = computeSubsets(service(ports), [pod('b', { ip: '10.244.0.9' }), pod('a', { ip: '10.244.0.10' })]);
    assert.equal(subsets.length, 1);
    assert.deepEqual(
      subsets[0].addresses?.map((a) => a.ip),
      ['10.244.0.10', '10.244.0.9'],
    );
    assert.deepEqual(
      subsets[0].ports?.map((p) => p.name),
      ['http', 'https'],
    );
  });

  it('a headless Service without ports lists addresses alone; with a ClusterIP there is nothing', () => {
    assert.deepEqual(computeSubsets(service([], { clusterIP: 'None' }), [pod('a', { ip: '10.244.0.2' })]), [
      { addresses: [{ ip: '10.244.0.2', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }] },
    ]);
    assert.deepEqual(computeSubsets(service([]), [pod('a', { ip: '10.244.0.2' })]), []);
  });

  it('a pod whose subdomain is the Service gets its hostname', () => {
    const subsets = computeSubsets(service(undefined, { clusterIP: 'None' }), [pod('db-0', { hostname: 'db-0', subdomain: 'web' }), pod('other', { ip: '10.244.0.11', hostname: 'x', subdomain: 'elsewhere' })]);
    assert.deepEqual(
      subsets[0].addresses?.map((a) => [a.ip, a.hostname]),
      [
        ['10.244.0.10', 'db-0'],
        ['10.244.0.11', undefined],
      ],
    );
  });

  it('labels: the Service labels, and the headless mark for headless Services', () => {
    assert.deepEqual(endpointsLabels(service(undefined, {}, { app: 'web' })), { app: 'web' });
    assert.deepEqual(endpointsLabels(service(undefined, { clusterIP: 'None' }, { app: 'web' })), { app: 'web', 'service.kubernetes.io/headless': '' });
  });
});

describe('EndpointSlices', () => {
  it('every pod with an IP is an endpoint with ready, serving and terminating conditions', () => {
    const [slice] = desiredSlices(service(), [pod('a', { ip: '10.244.0.2' }), pod('b', { ip: '10.244.0.3', ready: false }), pod('c', { ip: '10.244.0.4', terminating: true })]);
    assert.deepEqual(slice.ports, [{ name: '', protocol: 'TCP', port: 8080 }]);
    assert.deepEqual(
      slice.endpoints.map((e) => [e.targetRef.name, e.addresses, e.conditions, e.nodeName]),
      [
        ['a', ['10.244.0.2'], { ready: true, serving: true, terminating: false }, 'node-1'],
        ['b', ['10.244.0.3'], { ready: false, serving: false, terminating: false }, 'node-1'],
        ['c', ['10.244.0.4'], { ready: false, serving: true, terminating: true }, 'node-1'],
      ],
    );
  });

  it('publishNotReadyAddresses makes every endpoint ready', () => {
    const [slice] = desiredSlices(service(undefined, { publishNotReadyAddresses: true }), [pod('b', { ready: false }), pod('c', { ip: '10.244.0.4', terminating: true })]);
    assert.deepEqual(
      slice.endpoints.map((e) => e.conditions.ready),
      [true, true],
    );
  });

  it('pods reaching different ports go to different slices; no pods, no slices', () => {
    const slices = desiredSlices(service([{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }]), [
      pod('a', { ports: [{ name: 'http', containerPort: 8080 }] }),
      pod('b', { ip: '10.244.0.3', ports: [{ name: 'http', containerPort: 9090 }] }),
    ]);
    assert.deepEqual(
      slices.map((s) => [s.ports[0].port, s.endpoints.map((e) => e.targetRef.name)]),
      [
        [8080, ['a']],
        [9090, ['b']],
      ],
    );
    assert.deepEqual(desiredSlices(service(), []), []);
  });

  it('at most 100 endpoints a slice', () => {
    const pods = Array.from({ length: 250 }, (_v, i) => pod(`p${String(i).padStart(3, '0')}`, { ip: `10.244.${Math.floor(i / 200)}.${(i % 200) + 1}` }));
    assert.deepEqual(
      desiredSlices(service(), pods).map((s) => s.endpoints.length),
      [100, 100, 50],
    );
  });

  it('labels: service name, manager, headless mark; reserved keys of the Service are not copied', () => {
    const labels = sliceLabels(service(undefined, { clusterIP: 'None' }, { app: 'web', 'kubernetes.io/service-name': 'spoof' }));
    assert.deepEqual(labels, {
      app: 'web',
      'service.kubernetes.io/headless': '',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
  });
});
