import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAddresses } from '../../main/addon/addresses.ts';
import { parseConfig } from '../../main/addon/configFile.ts';
import { inSubnet } from '../../main/addon/ipv4.ts';
import { encodeTunnelRequest, parseTunnelRequest } from '../../main/addon/tunnelProtocol.ts';
import { podDnsConfig, preferredDnsIP } from '../../main/network/clusterDns.ts';
import { firstFile, packTar } from '../../main/network/tarArchive.ts';

describe('add-on plumbing', () => {
  it('finds its cluster-network interface and the /32s it holds in `ip -o -4 addr` output', () => {
    const output = [
      '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
      '2: eth0@if9    inet 10.244.0.3/16 brd 10.244.255.255 scope global eth0\\       valid_lft forever',
      '2: eth0@if9    inet 10.244.128.1/32 scope global eth0\\       valid_lft forever',
      '2: eth0@if9    inet 10.244.128.10/32 scope global eth0\\       valid_lft forever',
    ].join('\n');
    assert.deepEqual(parseAddresses(output, '10.244.0.0/16'), { name: 'eth0', held: new Set(['10.244.128.1', '10.244.128.10']) });
    assert.equal(parseAddresses(output, '10.99.0.0/16'), undefined);
  });

  it('IPv4 subnet membership', () => {
    assert.ok(inSubnet('10.244.200.1', '10.244.0.0/16'));
    assert.ok(!inSubnet('10.245.0.1', '10.244.0.0/16'));
    assert.ok(!inSubnet('host.docker.internal', '10.244.0.0/16'));
    assert.ok(!inSubnet('10.244.0.01', '10.244.0.0/16'));
  });

  it('a configuration file is taken only whole and of its version', () => {
    const config = { version: 1, generation: 3, clusterDomain: 'cluster.local', subnet: '10.0.0.0/24', dnsIP: '10.0.0.138', upstreamDns: [], services: [] };
    assert.deepEqual(parseConfig(JSON.stringify(config)), config);
    assert.equal(parseConfig(JSON.stringify(config).slice(0, 40)), undefined);
    assert.equal(parseConfig(JSON.stringify({ ...config, version: 2 })), undefined);
  });

  it('tunnel requests round-trip; malformed ones are refused', () => {
    const request = { token: 'secret', address: '10.244.0.7', port: 8081 };
    assert.deepEqual(parseTunnelRequest(encodeTunnelRequest(request)), request);
    for (const line of ['PODLAB-TUNNEL/1 secret 10.0.0.1', 'PODLAB-TUNNEL/1 secret 10.0.0.1 0', 'PODLAB-TUNNEL/1 s 10.0.0.1 80 extra', 'GET / HTTP/1.1']) {
      assert.equal(parseTunnelRequest(line), undefined, line);
    }
  });

  it('kube-dns takes the tenth Service address; ClusterFirst pods search their namespace first', () => {
    assert.equal(preferredDnsIP('10.244.128.0/17'), '10.244.128.10');
    assert.equal(preferredDnsIP('10.1.2.128/25'), '10.1.2.138');
    assert.deepEqual(podDnsConfig('shop', '10.96.0.10'), { servers: ['10.96.0.10'], searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], options: ['ndots:5'] });
  });

  it('tar archives for the archive API: tar reads them, and the first file reads back', () => {
    const program = Buffer.from('console.log("hi")\n'.repeat(100));
    const archive = packTar([{ name: 'podlab/' }, { name: 'podlab/addon.mjs', data: program }]);
    assert.equal(archive.length % 512, 0);
    assert.deepEqual(firstFile(archive), program);
    const dir = mkdtempSync(join(tmpdir(), 'podlab-tar-'));
    try {
      writeFileSync(join(dir, 'a.tar'), archive);
      const extract = spawnSync('tar', ['-xf', 'a.tar'], { cwd: dir });
      assert.equal(extract.status, 0, extract.stderr.toString());
      assert.deepEqual(readFileSync(join(dir, 'podlab/addon.mjs')), program);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
