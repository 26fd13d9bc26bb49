// The add-on's DNS server on 127.0.0.1, asked by Node's own resolver (c-ares):
// a real client decodes every answer. Upstream forwarding goes to a second
// server on 127.0.0.1, and happens only when configured.

import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ClusterZone } from '../../main/addon/dns/clusterZone.ts';
import { TYPE } from '../../main/addon/dns/message.ts';
import { DnsServer } from '../../main/addon/dns/server.ts';

const zone = new ClusterZone({
  clusterDomain: 'cluster.local',
  services: [{ namespace: 'default', name: 'web', clusterIP: '10.96.0.20', ports: [{ name: 'http', protocol: 'TCP', port: 80 }], endpoints: [] }],
});
const outside = new ClusterZone({
  clusterDomain: 'example.test',
  services: [{ namespace: 'ns', name: 'far', clusterIP: '192.0.2.7', ports: [], endpoints: [] }],
});

describe('DNS server', () => {
  let upstream: DnsServer;
  let server: DnsServer;
  let upstreamDns: string[] = [];
  const resolver = new Resolver({ timeout: 2000, tries: 1 });

  before(async () => {
    upstream = new DnsServer(() => ({ zone: outside, upstream: [] }));
    await upstream.listen('127.0.0.1', 0);
    server = new DnsServer(() => ({ zone, upstream: upstreamDns }));
    await server.listen('127.0.0.1', 0);
    resolver.setServers([`127.0.0.1:${server.udpPort}`]);
  });
  after(async () => {
    await server?.close();
    await upstream?.close();
  });

  it('answers A and SRV queries for cluster names', async () => {
    assert.deepEqual(await resolver.resolve4('web.default.svc.cluster.local'), ['10.96.0.20']);
    assert.deepEqual(await resolver.resolveSrv('_http._tcp.web.default.svc.cluster.local'), [{ name: 'web.default.svc.cluster.local', port: 80, priority: 0, weight: 100 }]);
    assert.deepEqual(await resolver.reverse('10.96.0.20'), ['web.default.svc.cluster.local']);
  });

  it('NXDOMAIN for unknown names, NODATA for other types of known ones', async () => {
    await assert.rejects(() => resolver.resolve4('nope.default.svc.cluster.local'), { code: 'ENOTFOUND' });
    await assert.rejects(() => resolver.resolve6('web.default.svc.cluster.local'), { code: 'ENODATA' });
  });

  it('names outside the cluster: NXDOMAIN without upstream resolvers, forwarded with them', async () => {
    upstreamDns = [];
    await assert.rejects(() => resolver.resolve4('far.ns.svc.example.test'), { code: 'ENOTFOUND' });
    upstreamDns = [`127.0.0.1:${upstream.udpPort}`];
    try {
      assert.deepEqual(await resolver.resolve4('far.ns.svc.example.test'), ['192.0.2.7']);
    } finally {
      upstreamDns = [];
    }
  });

  it('serves TCP: length-prefixed messages, several on one connection', async () => {
    const question = (id: number) => {
      const name = Buffer.concat(['web', 'default', 'svc', 'cluster', 'local'].flatMap((l) => [Buffer.from([l.length]), Buffer.from(l)]));
      const header = Buffer.from([id >> 8, id & 0xff, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
      const message = Buffer.concat([header, name, Buffer.from([0, 0, TYPE.A, 0, 1])]);
      return Buffer.concat([Buffer.from([message.length >> 8, message.length & 0xff]), message]);
    };
    const socket = connect(server.tcpPort!, '127.0.0.1');
    const ids = await new Promise<number[]>((resolve, reject) => {
      let received = Buffer.alloc(0);
      const seen: number[] = [];
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        while (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
          const message = received.subarray(2, 2 + received.readUInt16BE(0));
          seen.push(message.readUInt16BE(0));
          // Its last four bytes are the A record's address.
          assert.deepEqual([...message.subarray(message.length - 4)], [10, 96, 0, 20]);
          received = received.subarray(2 + message.length);
        }
        if (seen.length === 2) resolve(seen.sort());
      });
      socket.write(Buffer.concat([question(1), question(2)]));
    });
    socket.destroy();
    assert.deepEqual(ids, [1, 2]);
  });
});
