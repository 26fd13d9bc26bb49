// The URLs the Workloads view offers for an Ingress: the ports the
// controller reports, https for TLS hosts, wildcard and host-less rules,
// and nothing before the Ingress has an address; the address itself.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../preload/api.ts';
import { ingressAddress, ingressRoutes } from '../../renderer/ingressUrls.ts';

const backend = (name: string, port: number | string) => ({ service: { name, port: typeof port === 'number' ? { number: port } : { name: port } } });

function ingress(ports: number[] | undefined): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'site', namespace: 'default' },
    spec: {
      tls: [{ hosts: ['secure.localhost'], secretName: 'tls' }],
      defaultBackend: backend('fallback', 80),
      rules: [
        { host: 'hello.localhost', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('front', 'http') }, { path: '/api', pathType: 'Exact', backend: backend('api', 8080) }] } },
        { host: 'secure.localhost', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('front', 80) }] } },
        { host: '*.apps.localhost', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('apps', 80) }] } },
      ],
    },
    ...(ports ? { status: { loadBalancer: { ingress: [{ ip: '127.0.0.1', ports: ports.map((port) => ({ port, protocol: 'TCP' })) }] } } } : {}),
  } as KubeObject;
}

test('each rule with its URL through the ports the controller reports', () => {
  assert.deepEqual(
    ingressRoutes(ingress([8080, 8443])).map((r) => [r.host, r.path, r.backend, r.url]),
    [
      ['hello.localhost', '/', 'front:http', 'http://hello.localhost:8080/'],
      ['hello.localhost', '/api', 'api:8080', 'http://hello.localhost:8080/api'],
      ['secure.localhost', '/', 'front:80', 'https://secure.localhost:8443/'],
      ['*.apps.localhost', '/', 'apps:80', 'http://anything.apps.localhost:8080/'],
      ['', '(default backend)', 'fallback:80', 'http://127.0.0.1:8080/'],
    ],
  );
});

test('standard ports are left out of the URL', () => {
  assert.equal(ingressRoutes(ingress([80, 443]))[2]!.url, 'https://secure.localhost/');
  assert.equal(ingressRoutes(ingress([80, 443]))[0]!.url, 'http://hello.localhost/');
});

test('no address yet: the rules without URLs', () => {
  const routes = ingressRoutes(ingress(undefined));
  assert.equal(routes.length, 5);
  assert.ok(routes.every((r) => r.url === undefined));
  assert.equal(routes[1]!.service, 'api');
});

test('the address and ports as kubectl get ingress shows them', () => {
  assert.deepEqual(ingressAddress(ingress([8080, 8443])), { address: '127.0.0.1', ports: [8080, 8443] });
  assert.equal(ingressAddress(ingress(undefined)), undefined);
});

test('TLS hosts match as the controller matches them: case-insensitive, a wildcard covers one label', () => {
  const site = ingress([80, 443]) as KubeObject & { spec: { tls: Array<{ hosts: string[] }>; rules: Array<{ host: string; http: unknown }> } };
  site.spec.tls = [{ hosts: ['Secure.localhost', '*.apps.localhost'] }];
  assert.deepEqual(
    ingressRoutes(site).map((r) => r.url),
    ['http://hello.localhost/', 'http://hello.localhost/api', 'https://secure.localhost/', 'https://anything.apps.localhost/', 'http://127.0.0.1/'],
  );
});
