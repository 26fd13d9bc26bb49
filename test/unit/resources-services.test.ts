// Services: defaults, validation, what an update keeps, and the table.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../main/kube/meta.ts';
import { services } from '../../main/apiserver/resources/services.ts';
import { formatFieldErrors } from '../../main/apiserver/validation/formatFieldErrors.ts';

const strategy = services.strategy;

function service(spec: Record<string, unknown>): KubeObject {
  const svc: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: structuredClone(spec) };
  strategy.applyDefaults!(svc);
  return svc;
}

describe('service defaults', () => {
  it('fills type, affinity, protocols, target ports and traffic policies', () => {
    const svc = service({ selector: { app: 'web' }, ports: [{ port: 80 }, { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' }] });
    assert.deepEqual(svc.spec, {
      selector: { app: 'web' },
      ports: [
        { port: 80, protocol: 'TCP', targetPort: 80 },
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 'dns' },
      ],
      sessionAffinity: 'None',
      type: 'ClusterIP',
      internalTrafficPolicy: 'Cluster',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    });
  });
  it('adds externalTrafficPolicy to NodePort services', () => {
    const svc = service({ type: 'NodePort', ports: [{ port: 80 }] });
    assert.equal((svc.spec as Record<string, unknown>).externalTrafficPolicy, 'Cluster');
  });
  it('gives ExternalName services no IP families', () => {
    const svc = service({ type: 'ExternalName', externalName: 'example.com' });
    assert.equal((svc.spec as Record<string, unknown>).ipFamilies, undefined);
    assert.deepEqual(strategy.validate!(svc), []);
  });
});

describe('service validation', () => {
  const message = (svc: KubeObject) => formatFieldErrors('Service', 'web', strategy.validate!(svc)).message;
  it('accepts a simple service', () => assert.deepEqual(strategy.validate!(service({ ports: [{ port: 80 }] })), []));
  it('requires ports', () => assert.equal(message(service({ selector: { app: 'web' } })), 'Service "web" is invalid: spec.ports: Required value'));
  it('checks port ranges and names', () => {
    assert.equal(
      message(service({ ports: [{ port: 70000 }, { port: 81, name: 'b' }] })),
      'Service "web" is invalid: [spec.ports[0].name: Required value, spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive]',
    );
  });
  it('rejects unsupported types', () =>
    assert.equal(
      message(service({ type: 'Magic', ports: [{ port: 80 }] })),
      'Service "web" is invalid: spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ));
  it('keeps nodePorts in 30000-32767 and off ClusterIP services', () => {
    assert.equal(
      message(service({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })),
      'Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    assert.equal(message(service({ ports: [{ port: 80, nodePort: 30080 }] })), "Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'");
  });
});

describe('service updates', () => {
  it('keeps the allocated clusterIP and nodePorts a client left out', () => {
    const old = service({ type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 30080 }] });
    const next = service({ type: 'NodePort', ports: [{ port: 80 }] });
    strategy.prepareForUpdate!(next, old);
    const spec = next.spec as Record<string, unknown>;
    assert.equal(spec.clusterIP, '10.96.0.10');
    assert.deepEqual(spec.clusterIPs, ['10.96.0.10']);
    assert.equal((spec.ports as Array<Record<string, unknown>>)[0].nodePort, 30080);
    assert.deepEqual(strategy.validateUpdate!(next, old), []);
  });
  it('may not change the clusterIP', () => {
    const old = service({ clusterIP: '10.96.0.10', ports: [{ port: 80 }] });
    const next = service({ clusterIP: '10.96.0.11', ports: [{ port: 80 }] });
    strategy.prepareForUpdate!(next, old);
    assert.deepEqual(
      strategy.validateUpdate!(next, old).map((e) => `${e.field}: ${e.detail}`),
      ['spec.clusterIPs[0]: may not change once set'],
    );
  });
});

describe('service table', () => {
  it('prints TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR', () => {
    const svc = service({ type: 'NodePort', clusterIP: '10.96.0.10', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 30080 }, { name: 'b', port: 53, protocol: 'UDP' }] });
    svc.metadata.creationTimestamp = '2025-01-01T00:00:00Z';
    assert.deepEqual(strategy.table!.row(svc, new Date('2025-01-01T00:00:05Z')), ['web', 'NodePort', '10.96.0.10', '<none>', '80:30080/TCP,53/UDP', '5s', 'app=web']);
  });
  it('shows <pending> for a LoadBalancer without an address', () => {
    const svc = service({ type: 'LoadBalancer', ports: [{ port: 80 }] });
    assert.equal(strategy.table!.row(svc, new Date())[3], '<pending>');
  });
});
