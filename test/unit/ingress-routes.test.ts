// Ingress matching as the Ingress spec defines it: precise hosts before
// wildcards before rules without a host, Exact before Prefix, the longest
// Prefix by path elements, the oldest Ingress on ties, and the default
// backend when nothing matches.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { RouteTable } from '../../main/network/ingress/routes.ts';

function ingress(name: string, created: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name, namespace: 'web', creationTimestamp: created }, spec } as KubeObject;
}

const backend = (service: string, port: number | string = 80) => ({ service: { name: service, port: typeof port === 'number' ? { number: port } : { name: port } } });
const path = (p: string, pathType: string, service: string) => ({ path: p, pathType, backend: backend(service) });

const table = new RouteTable([
  ingress('site', '2025-01-01T00:00:02Z', {
    rules: [
      { host: 'hello.localhost', http: { paths: [path('/', 'Prefix', 'front'), path('/api', 'Prefix', 'api'), path('/api/v2', 'Prefix', 'api-v2'), path('/status', 'Exact', 'status')] } },
      { host: '*.apps.localhost', http: { paths: [path('/', 'Prefix', 'wildcard')] } },
      { http: { paths: [path('/shared', 'ImplementationSpecific', 'any-host')] } },
    ],
  }),
  ingress('older', '2025-01-01T00:00:01Z', { defaultBackend: backend('fallback', 'http'), rules: [{ host: 'hello.localhost', http: { paths: [path('/api', 'Prefix', 'older-api')] } }] }),
]);

const service = (host: string, p: string) => table.match(host, p)?.service;

test('a precise host, its longest prefix by elements, and Exact over Prefix', () => {
  assert.equal(service('hello.localhost', '/'), 'front');
  assert.equal(service('hello.localhost:8080', '/index.html'), 'front');
  assert.equal(service('hello.localhost', '/api/v2/users?x=1'), 'api-v2');
  assert.equal(service('hello.localhost', '/apis'), 'front', '/api does not match /apis: prefixes match whole elements');
  assert.equal(service('hello.localhost', '/status'), 'status');
  assert.equal(service('hello.localhost', '/status/more'), 'front', 'Exact matches only itself');
  assert.equal(service('HELLO.localhost', '/api/'), 'older-api', 'hosts are case-insensitive; the older Ingress keeps a path both name');
});

test('a wildcard host matches exactly one more label', () => {
  assert.equal(service('shop.apps.localhost', '/'), 'wildcard');
  assert.equal(service('a.shop.apps.localhost', '/shared/x'), 'any-host');
  assert.equal(service('apps.localhost', '/shared'), 'any-host');
});

test('nothing matching: the oldest default backend, with its port by name', () => {
  assert.deepEqual(table.match('other.localhost', '/nothing'), { namespace: 'web', ingress: 'older', service: 'fallback', port: 'http' });
  assert.equal(new RouteTable([]).match('x', '/'), undefined);
});
