// The Services view's "open" links: where PodLab serves a Service on this machine.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceLocalUrls } from '../../renderer/serviceUrls.ts';

const service = (spec: object, status: object = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec, status });

test('a LoadBalancer with its 127.0.0.1 ingress: its port, then its NodePort', () => {
  const lb = service({ type: 'LoadBalancer', ports: [{ name: 'http', port: 8080, nodePort: 30001, protocol: 'TCP' }] }, { loadBalancer: { ingress: [{ ip: '127.0.0.1' }] } });
  assert.deepEqual(serviceLocalUrls(lb), [
    { url: 'http://127.0.0.1:8080/', via: 'LoadBalancer' },
    { url: 'http://127.0.0.1:30001/', via: 'NodePort' },
  ]);
});

test('a LoadBalancer whose port is taken (no ingress) is still reached at its NodePort', () => {
  const pending = service({ type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30002 }] });
  assert.deepEqual(serviceLocalUrls(pending), [{ url: 'http://127.0.0.1:30002/', via: 'NodePort' }]);
});

test('NodePorts over TCP only, https for 443; a ClusterIP Service is in-cluster only', () => {
  const nodePort = service({ type: 'NodePort', ports: [{ port: 443, nodePort: 30443 }, { port: 53, nodePort: 30053, protocol: 'UDP' }] });
  assert.deepEqual(serviceLocalUrls(nodePort), [{ url: 'https://127.0.0.1:30443/', via: 'NodePort' }]);
  assert.deepEqual(serviceLocalUrls(service({ type: 'ClusterIP', ports: [{ port: 80 }] })), []);
  // An ingress elsewhere than this machine is not PodLab's to open.
  assert.deepEqual(serviceLocalUrls(service({ type: 'LoadBalancer', ports: [{ port: 80 }] }, { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } })), []);
});
