// The built-in ingress controller on the real Docker engine: the default
// IngressClass `podlab`, an Ingress for hello.localhost whose two path rules
// reach two Services' pods through 127.0.0.1, only ready endpoints getting
// traffic, 404 for what no rule matches, 503 with the reason for a Service
// that does not exist (and a Warning event saying so), and the Ingress's
// status naming 127.0.0.1 and the port; HTTPS with the certificate of the
// Ingress's TLS Secret, the default certificate for other names.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type PeerCertificate } from 'node:tls';
import { request as httpsRequest } from 'node:https';
import { selfSignedCertificate } from '../../main/network/ingress/tlsCertificates.ts';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { createNetworkFixture, eventually, type NetworkFixture, type TestPod } from './network-fixture.ts';

const ingresses = { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses' };
const classes = { group: 'networking.k8s.io', version: 'v1', plural: 'ingressclasses' };

function get(port: number, host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim() }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timed out')));
    req.end();
  });
}

describe('the built-in ingress controller', () => {
  let fixture: NetworkFixture;
  let front: TestPod;
  let api: TestPod;
  let port: number;

  before(async () => {
    fixture = await createNetworkFixture();
    front = await fixture.runWebPod('front-1', { body: 'from-front' });
    api = await fixture.runWebPod('api-1', { body: 'from-api' });
    await fixture.createService('front', { ports: [{ name: 'http', port: 80, targetPort: 80 }] });
    await fixture.createService('api', { ports: [{ name: 'http', port: 8080, targetPort: 80 }] });
    await fixture.setEndpoints('front', { name: 'http', port: 80 }, [{ ip: front.ip }]);
    await fixture.setEndpoints('api', { name: 'http', port: 80 }, [{ ip: api.ip }]);
    await fixture.networking.addonSettled();
    port = fixture.networking.ingressHttpPort;
    assert.ok(port > 0, 'the ingress controller listens');
  });
  after(async () => {
    await fixture?.cleanup();
  });

  test('the IngressClass podlab is the default, and remembers the port it listens on', async () => {
    const podlab = await fixture.client.resource(classes).get(undefined, 'podlab');
    assert.equal(podlab.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'], 'true');
    assert.equal(podlab.metadata.annotations?.['podlab.dev/http-port'], String(port));
    assert.equal((podlab.spec as { controller: string }).controller, 'podlab.dev/ingress-controller');
  });

  test('host and path rules reach each Service; nothing matching is a 404; only ready endpoints get traffic', async () => {
    const created = await fixture.client.resource(ingresses).create('default', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'site' },
      spec: {
        rules: [
          {
            host: 'hello.localhost',
            http: {
              paths: [
                { path: '/', pathType: 'Prefix', backend: { service: { name: 'front', port: { name: 'http' } } } },
                { path: '/index.html', pathType: 'Exact', backend: { service: { name: 'api', port: { number: 8080 } } } },
              ],
            },
          },
          { host: 'api.localhost', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8080 } } } }] } },
        ],
      },
    } as KubeObject);
    assert.equal((created.spec as { ingressClassName?: string }).ingressClassName, 'podlab', 'the default class was given');
    await eventually('the front page through the Ingress', async () => ((await get(port, 'hello.localhost', '/')).body === 'from-front' ? true : undefined), 20_000);
    // The Exact rule beats the Prefix one for its own path only.
    assert.deepEqual(await get(port, `hello.localhost:${port}`, '/index.html'), { status: 200, body: 'from-api' });
    assert.deepEqual(await get(port, 'hello.localhost', '/'), { status: 200, body: 'from-front' });
    assert.deepEqual(await get(port, 'api.localhost', '/'), { status: 200, body: 'from-api' });
    assert.deepEqual(await get(port, 'other.localhost', '/'), { status: 404, body: 'default backend - 404' });

    await fixture.setEndpoints('api', { name: 'http', port: 80 }, [], [api.ip]);
    await eventually('a not-ready endpoint to get no traffic', async () => ((await get(port, 'api.localhost', '/')).status === 503 ? true : undefined), 20_000);
    assert.match((await get(port, 'api.localhost', '/')).body, /Service "default\/api" has no ready endpoints/);
    await fixture.setEndpoints('api', { name: 'http', port: 80 }, [{ ip: api.ip }]);
    await eventually('the endpoint back', async () => ((await get(port, 'api.localhost', '/')).status === 200 ? true : undefined), 20_000);

    const status = await eventually(
      'the Ingress status',
      async () => {
        const ingress = await fixture.client.resource(ingresses).get('default', 'site');
        return (ingress.status as { loadBalancer?: { ingress?: unknown[] } }).loadBalancer?.ingress;
      },
      20_000,
    );
    assert.deepEqual(status, [{ ip: '127.0.0.1', ports: [{ port, protocol: 'TCP' }] }]);
  });

  test('a backend Service that does not exist gets a Warning event and a 503 that says so', async () => {
    const missing = await fixture.client.resource(ingresses).create('default', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'broken' },
      spec: { rules: [{ host: 'broken.localhost', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'nowhere', port: { number: 80 } } } }] } }] },
    } as KubeObject);
    const reply = await eventually('the route to exist', async () => {
      const r = await get(port, 'broken.localhost', '/');
      return r.status === 503 ? r : undefined;
    }, 20_000);
    assert.match(reply.body, /Service "default\/nowhere" not found/);
    const warning = await eventually(
      'the ServiceNotFound event',
      async () => (await fixture.client.resource({ group: '', version: 'v1', plural: 'events' }).list('default')).items.find((e) => (e as { involvedObject?: { uid?: string } }).involvedObject?.uid === missing.metadata.uid && (e as { reason?: string }).reason === 'ServiceNotFound'),
      20_000,
    );
    assert.equal((warning as { message?: string }).message, 'Service "default/nowhere" not found: requests routed to it get 503 Service Unavailable');
  });

  /** The certificate the HTTPS listener presents for `servername`. */
  function presented(servername: string): Promise<PeerCertificate> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: fixture.networking.ingressHttpsPort, servername, rejectUnauthorized: false }, () => {
        resolve(socket.getPeerCertificate());
        socket.end();
      });
      socket.on('error', reject);
    });
  }

  test("HTTPS: a TLS host gets its Secret's certificate and the page; other names the default certificate", async () => {
    const own = selfSignedCertificate('secure.localhost', ['secure.localhost']);
    await fixture.client.resource({ group: '', version: 'v1', plural: 'secrets' }).create('default', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'secure-tls' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(own.cert).toString('base64'), 'tls.key': Buffer.from(own.key).toString('base64') },
    } as KubeObject);
    await fixture.client.resource(ingresses).create('default', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'secure' },
      spec: {
        tls: [{ hosts: ['secure.localhost'], secretName: 'secure-tls' }],
        rules: [{ host: 'secure.localhost', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'front', port: { number: 80 } } } }] } }],
      },
    } as KubeObject);
    const httpsPort = fixture.networking.ingressHttpsPort;
    assert.ok(httpsPort > 0 && httpsPort !== port);
    await eventually("the Secret's certificate", async () => ((await presented('secure.localhost')).subject?.CN === 'secure.localhost' ? true : undefined), 20_000);
    assert.equal((await presented('elsewhere.localhost')).subject?.CN, 'PodLab Ingress Controller Fake Certificate');
    const page = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      // The Secret's own certificate is the trust anchor: the chain and the name are checked for real.
      const req = httpsRequest({ host: '127.0.0.1', port: httpsPort, path: '/', servername: 'secure.localhost', headers: { host: 'secure.localhost' }, ca: own.cert, agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim() }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.deepEqual([page.status, page.body], [200, 'from-front']);
    const status = await eventually('both ports in the status', async () => {
      const ingress = await fixture.client.resource(ingresses).get('default', 'secure');
      const lb = (ingress.status as { loadBalancer?: { ingress?: Array<{ ports?: unknown[] }> } }).loadBalancer?.ingress;
      return lb?.[0]?.ports?.length === 2 ? lb : undefined;
    }, 20_000);
    assert.deepEqual(status, [{ ip: '127.0.0.1', ports: [{ port, protocol: 'TCP' }, { port: httpsPort, protocol: 'TCP' }] }]);
  });
});
