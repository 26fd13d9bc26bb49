import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AddonService } from '../../main/addon/config.ts';
import { ClusterZone } from '../../main/addon/dns/clusterZone.ts';
import { RCODE, TYPE } from '../../main/addon/dns/message.ts';

const services: AddonService[] = [
  { namespace: 'default', name: 'web', clusterIP: '10.96.0.20', ports: [{ name: 'http', protocol: 'TCP', port: 80 }], endpoints: [] },
  {
    namespace: 'db',
    name: 'pg',
    ports: [{ name: 'sql', protocol: 'TCP', port: 5432 }],
    endpoints: [
      { address: '10.244.0.5', ready: true, hostname: 'pg-0', ports: { 'sql/TCP': 5432 } },
      { address: '10.244.0.6', ready: true, ports: { 'sql/TCP': 5432 } },
      { address: '10.244.0.7', ready: false, hostname: 'pg-2', ports: { 'sql/TCP': 5432 } },
    ],
  },
  { namespace: 'db', name: 'empty', ports: [], endpoints: [] },
  { namespace: 'default', name: 'docs', externalName: 'docs.example.org', ports: [], endpoints: [] },
];

const zone = new ClusterZone({ clusterDomain: 'cluster.local', services });
const addresses = (name: string, type: number = TYPE.A) =>
  zone.answer(name, type).answers.map((r) => ('address' in r.data ? r.data.address : 'target' in r.data ? r.data.target : ''));

describe('cluster DNS zone', () => {
  it('a Service name is its ClusterIP', () => {
    assert.deepEqual(addresses('web.default.svc.cluster.local'), ['10.96.0.20']);
  });

  it('a headless Service is its ready endpoints; a member is found by hostname or dashed IP', () => {
    assert.deepEqual(addresses('pg.db.svc.cluster.local'), ['10.244.0.5', '10.244.0.6']);
    assert.deepEqual(addresses('pg-0.pg.db.svc.cluster.local'), ['10.244.0.5']);
    assert.deepEqual(addresses('10-244-0-6.pg.db.svc.cluster.local'), ['10.244.0.6']);
    assert.equal(zone.answer('pg-2.pg.db.svc.cluster.local', TYPE.A).rcode, RCODE.NXDOMAIN);
  });

  it('publishNotReadyAddresses publishes not-ready endpoints too', () => {
    const open = new ClusterZone({ clusterDomain: 'cluster.local', services: [{ ...services[1]!, publishNotReadyAddresses: true }] });
    assert.equal(open.answer('pg.db.svc.cluster.local', TYPE.A).answers.length, 3);
  });

  it('a headless Service without endpoints, an unknown Service or namespace: NXDOMAIN with the SOA', () => {
    for (const name of ['empty.db.svc.cluster.local', 'nope.default.svc.cluster.local', 'web.nowhere.svc.cluster.local', 'x.y.z.cluster.local']) {
      const answer = zone.answer(name, TYPE.A);
      assert.equal(answer.rcode, RCODE.NXDOMAIN, name);
      assert.equal(answer.authority[0]?.data.type, TYPE.SOA, name);
    }
  });

  it('an existing name asked for another type, and a namespace with Services: NODATA', () => {
    for (const [name, type] of [['web.default.svc.cluster.local', TYPE.AAAA], ['default.svc.cluster.local', TYPE.A], ['svc.cluster.local', TYPE.A]] as const) {
      const answer = zone.answer(name, type);
      assert.equal(answer.rcode, RCODE.NOERROR, name);
      assert.equal(answer.answers.length, 0, name);
      assert.equal(answer.authority.length, 1, name);
    }
  });

  it('SRV records for named ports: the Service, or each headless endpoint with its A record', () => {
    const plain = zone.answer('_http._tcp.web.default.svc.cluster.local', TYPE.SRV);
    assert.deepEqual(plain.answers.map((r) => r.data), [{ type: TYPE.SRV, priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' }]);
    const headless = zone.answer('_sql._tcp.pg.db.svc.cluster.local', TYPE.SRV);
    assert.deepEqual(
      headless.answers.map((r) => ('target' in r.data ? r.data.target : '')),
      ['pg-0.pg.db.svc.cluster.local', '10-244-0-6.pg.db.svc.cluster.local'],
    );
    assert.equal(headless.additional.length, 2);
    assert.equal(zone.answer('_nope._tcp.web.default.svc.cluster.local', TYPE.SRV).rcode, RCODE.NXDOMAIN);
  });

  it('pod names carry their IP; ExternalName is a CNAME; ClusterIPs have PTR records', () => {
    assert.deepEqual(addresses('10-244-0-9.default.pod.cluster.local'), ['10.244.0.9']);
    assert.equal(zone.answer('10-244-0-999.default.pod.cluster.local', TYPE.A).rcode, RCODE.NXDOMAIN);
    assert.deepEqual(addresses('docs.default.svc.cluster.local'), ['docs.example.org']);
    assert.ok(zone.covers('20.0.96.10.in-addr.arpa'));
    assert.deepEqual(addresses('20.0.96.10.in-addr.arpa', TYPE.PTR), ['web.default.svc.cluster.local']);
    assert.deepEqual(addresses('5.0.244.10.in-addr.arpa', TYPE.PTR), ['pg-0.pg.db.svc.cluster.local']);
  });

  it('covers the cluster domain and its own reverse names only', () => {
    assert.ok(zone.covers('cluster.local'));
    assert.ok(zone.covers('anything.cluster.local'));
    assert.ok(!zone.covers('example.org'));
    assert.ok(!zone.covers('notcluster.local'));
    assert.ok(!zone.covers('1.1.1.1.in-addr.arpa'));
  });
});
