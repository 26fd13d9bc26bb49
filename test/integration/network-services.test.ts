// In-cluster Services on the real Docker engine: the add-on answers DNS for
// cluster names and proxies ClusterIPs to ready endpoints only; the host
// service proxy answers NodePorts and LoadBalancers on 127.0.0.1, reports a
// taken port as a Warning event; pods reach the API server through the
// `kubernetes` Service. Traffic goes only to 127.0.0.1 and to this test's
// containers on its own network.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createServer, type Server } from 'node:net';
import { ADDON_IMAGE } from '../../main/network/addonImage.ts';
import { REASON_PORT_IN_USE } from '../../main/network/hostServiceProxy.ts';
import { createNetworkFixture, eventually, freeNodePort, ncGet, type NetworkFixture, type TestPod } from './network-fixture.ts';

type Exec = Awaited<ReturnType<NetworkFixture['runClientPod']>>;

describe('cluster networking: DNS and Services', () => {
  let fixture: NetworkFixture;
  let web: TestPod;
  let shell: Exec;
  let clusterIP: string;

  before(async () => {
    fixture = await createNetworkFixture();
    web = await fixture.runWebPod('web-1', { body: 'hello-from-web-1' });
    const service = await fixture.createService('web', { ports: [{ name: 'http', port: 80, targetPort: 80 }] });
    clusterIP = (service.spec as { clusterIP: string }).clusterIP;
    await fixture.setEndpoints('web', { name: 'http', port: 80 }, [{ ip: web.ip }]);
    shell = await fixture.runClientPod('client');
    await fixture.networking.addonSettled();
  });
  after(async () => {
    await fixture?.cleanup();
  });

  test('the kube-dns Service sits on the tenth Service address and pods get it with the search path', async () => {
    const dns = await fixture.client.resource({ group: '', version: 'v1', plural: 'services' }).get('kube-system', 'kube-dns');
    const dnsIP = (dns.spec as { clusterIP: string }).clusterIP;
    assert.equal(dnsIP.split('.')[3], String(Number(fixture.docker.network.serviceRange.split('/')[0]!.split('.')[3]) + 10));
    assert.deepEqual(fixture.networking.dns, { clusterDNS: [dnsIP], clusterDomain: 'cluster.local' });
    assert.deepEqual(fixture.networking.podDnsConfig('team-a'), {
      servers: [dnsIP],
      searches: ['team-a.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      options: ['ndots:5'],
    });
  });

  test('DNS answers the Service by short name and full name; unknown names are NXDOMAIN', async () => {
    const short = await shell('nslookup web');
    assert.match(short.stdout, new RegExp(`Name:\\s+web\\.default\\.svc\\.cluster\\.local\\s+Address:\\s+${clusterIP.replace(/\./g, '\\.')}`));
    const full = await shell('nslookup web.default.svc.cluster.local');
    assert.match(full.stdout, new RegExp(`Address:\\s+${clusterIP.replace(/\./g, '\\.')}`));
    const missing = await shell('nslookup nothing-here.default.svc.cluster.local');
    assert.match(missing.stdout + missing.stderr, /NXDOMAIN/);
  });

  test('svc.ns resolves through the search path (a resolver that applies ndots: Node.js in the add-on image)', async () => {
    const node = await fixture.runClientPod('node-client', ADDON_IMAGE);
    const lookup = await node(`node -e "require('dns').lookup('web.default', (e, a) => console.log(e ? e.code : a))"`);
    assert.equal(lookup.stdout.trim(), clusterIP);
    const kubernetes = await node(`node -e "require('dns').lookup('kubernetes.default', (e, a) => console.log(e ? e.code : a))"`);
    const service = await fixture.client.resource({ group: '', version: 'v1', plural: 'services' }).get('default', 'kubernetes');
    assert.equal(kubernetes.stdout.trim(), (service.spec as { clusterIP: string }).clusterIP);
  });

  test('the ClusterIP and the Service name reach the backend only while it is a ready endpoint', async () => {
    assert.equal((await shell(ncGet(clusterIP, 80))).stdout.trim(), 'hello-from-web-1');
    assert.equal((await shell(ncGet('web', 80))).stdout.trim(), 'hello-from-web-1');

    await fixture.setEndpoints('web', { name: 'http', port: 80 }, [], [web.ip]);
    await fixture.networking.addonSettled();
    assert.equal((await shell(ncGet(clusterIP, 80))).stdout.trim(), '');
    assert.equal((await shell(ncGet('web', 80))).stdout.trim(), '');

    await fixture.setEndpoints('web', { name: 'http', port: 80 }, [{ ip: web.ip }]);
    await fixture.networking.addonSettled();
    assert.equal((await shell(ncGet('web', 80))).stdout.trim(), 'hello-from-web-1');
  });

  test('connections take the ready endpoints in turn', async () => {
    const second = await fixture.runWebPod('web-2', { body: 'hello-from-web-2' });
    await fixture.createService('pair', { ports: [{ port: 8080, targetPort: 80 }] });
    await fixture.setEndpoints('pair', { port: 80 }, [{ ip: web.ip }, { ip: second.ip }]);
    await fixture.networking.addonSettled();
    const bodies = new Set<string>();
    for (let i = 0; i < 4; i++) bodies.add((await shell(ncGet('pair', 8080))).stdout.trim());
    assert.deepEqual([...bodies].sort(), ['hello-from-web-1', 'hello-from-web-2']);
  });

  test('a headless Service resolves to its ready endpoints, and a StatefulSet pod by hostname', async () => {
    await fixture.createService('db', { clusterIP: 'None', ports: [{ port: 80 }] });
    await fixture.setEndpoints('db', { port: 80 }, [{ ip: web.ip, hostname: 'db-0' }]);
    await fixture.networking.addonSettled();
    const all = await shell('nslookup db.default.svc.cluster.local');
    assert.match(all.stdout, new RegExp(`Address:\\s+${web.ip.replace(/\./g, '\\.')}`));
    const member = await shell('nslookup db-0.db.default.svc.cluster.local');
    assert.match(member.stdout, new RegExp(`Address:\\s+${web.ip.replace(/\./g, '\\.')}`));
    const pod = await shell(`nslookup ${web.ip.replace(/\./g, '-')}.default.pod.cluster.local`);
    assert.match(pod.stdout, new RegExp(`Address:\\s+${web.ip.replace(/\./g, '\\.')}`));
  });

  test('a NodePort Service answers on 127.0.0.1:<nodePort>, also for a port the pod does not declare', async () => {
    const hidden = await fixture.runWebPod('hidden', { body: 'hello-undeclared', port: 8081, declare: false });
    const nodePort = await freeNodePort();
    await fixture.createService('web-np', { type: 'NodePort', ports: [{ port: 80, targetPort: 8081, nodePort }] });
    await fixture.setEndpoints('web-np', { port: 8081 }, [{ ip: hidden.ip }]);
    const body = await eventually('the node port to answer', () => httpGet(nodePort), 15_000);
    assert.equal(body, 'hello-undeclared\n');
  });

  test('a LoadBalancer answers on 127.0.0.1:<port> and gets 127.0.0.1 as its ingress', async () => {
    const port = await freePort();
    await fixture.createService('web-lb', { type: 'LoadBalancer', ports: [{ name: 'http', port, targetPort: 80, nodePort: await freeNodePort() }] });
    await fixture.setEndpoints('web-lb', { name: 'http', port: 80 }, [{ ip: web.ip }]);
    assert.equal(await eventually('the load balancer port to answer', () => httpGet(port), 15_000), 'hello-from-web-1\n');
    const ingress = await eventually('the ingress in status', async () => {
      const service = await fixture.client.resource({ group: '', version: 'v1', plural: 'services' }).get('default', 'web-lb');
      return (service.status as { loadBalancer?: { ingress?: unknown[] } }).loadBalancer?.ingress?.length ? (service.status as { loadBalancer: { ingress: unknown[] } }).loadBalancer.ingress : undefined;
    });
    assert.deepEqual(ingress, [{ ip: '127.0.0.1' }]);
  });

  test('a LoadBalancer port someone else holds is a Warning event, and the Service stays pending', async () => {
    const holder = await holdPort();
    try {
      await fixture.createService('web-taken', { type: 'LoadBalancer', ports: [{ name: 'http', port: holder.port, targetPort: 80, nodePort: await freeNodePort() }] });
      const event = await eventually('the PortInUse event', async () => {
        const events = await fixture.client.resource({ group: '', version: 'v1', plural: 'events' }).list('default');
        return events.items.find((e) => (e.involvedObject as { name?: string }).name === 'web-taken' && e.reason === REASON_PORT_IN_USE);
      });
      assert.equal(event.type, 'Warning');
      assert.match(String(event.message), new RegExp(`127\\.0\\.0\\.1:${holder.port}/TCP .*already in use`));
      const service = await fixture.client.resource({ group: '', version: 'v1', plural: 'services' }).get('default', 'web-taken');
      assert.deepEqual((service.status as { loadBalancer?: { ingress?: unknown[] } }).loadBalancer?.ingress ?? [], []);
    } finally {
      holder.server.close();
    }
  });

  test('the kubernetes Service lists the API server gateway as its endpoint', async () => {
    const endpoints = await fixture.client.resource({ group: '', version: 'v1', plural: 'endpoints' }).get('default', 'kubernetes');
    const [subset] = endpoints.subsets as Array<{ addresses: Array<{ ip: string }>; ports: Array<{ name: string; port: number }> }>;
    assert.equal(subset!.addresses[0]!.ip, fixture.docker.network.gateway);
    assert.equal(subset!.ports[0]!.name, 'https');
  });

  test('a removed add-on is brought back, and Services work again', async () => {
    await fixture.docker.docker.getContainer(fixture.networking.addon!.id).remove({ force: true });
    const body = await eventually(
      'the Service to answer through a new add-on',
      async () => {
        const out = (await shell(ncGet('web', 80))).stdout.trim();
        return out === 'hello-from-web-1' ? out : undefined;
      },
      30_000,
    );
    assert.equal(body, 'hello-from-web-1');
  });

  test('pods reach the API server through the kubernetes Service', async () => {
    const node = await fixture.runClientPod('api-client', ADDON_IMAGE);
    const script = `require('https').get('https://kubernetes.default.svc/version', { rejectUnauthorized: false }, (r) => { console.log(r.statusCode); process.exit(0); }).on('error', (e) => console.log(e.code))`;
    const result = await node(`node -e "${script}"`);
    // Anonymous: the API server answers, and says who may ask.
    assert.match(result.stdout.trim(), /^(200|401|403)$/);
  });
});

async function httpGet(port: number): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
    return await response.text();
  } catch {
    return undefined;
  }
}

async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as { port: number }).port };
}

async function freePort(): Promise<number> {
  const { server, port } = await holdPort();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
