import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RoundRobin, readyTargets } from '../../main/addon/backends.ts';
import type { AddonEndpoint } from '../../main/addon/config.ts';

const endpoint = (address: string, ready: boolean, ports: Record<string, number>): AddonEndpoint => ({ address, ready, ports });

describe('endpoint selection', () => {
  const endpoints = [
    endpoint('10.0.0.10', true, { 'http/TCP': 8080, 'dns/UDP': 53 }),
    endpoint('10.0.0.9', true, { 'http/TCP': 8080 }),
    endpoint('10.0.0.2', false, { 'http/TCP': 8080 }),
    endpoint('10.0.0.3', true, { 'metrics/TCP': 9090 }),
    // The same address twice (two slices listing one pod) counts once.
    endpoint('10.0.0.9', true, { 'http/TCP': 8080 }),
  ];

  it('takes only ready endpoints that serve the port (by name and protocol), in address order', () => {
    assert.deepEqual(readyTargets({ endpoints }, { name: 'http', protocol: 'TCP' }), [
      { address: '10.0.0.9', port: 8080 },
      { address: '10.0.0.10', port: 8080 },
    ]);
    assert.deepEqual(readyTargets({ endpoints }, { name: 'dns', protocol: 'UDP' }), [{ address: '10.0.0.10', port: 53 }]);
    assert.deepEqual(readyTargets({ endpoints }, { name: 'dns', protocol: 'TCP' }), []);
  });

  it('round robin: each connection starts at the next endpoint, and lists the others after it for retries', () => {
    const turns = new RoundRobin();
    const targets = ['a', 'b', 'c'];
    assert.deepEqual(turns.order('svc', targets), ['a', 'b', 'c']);
    assert.deepEqual(turns.order('svc', targets), ['b', 'c', 'a']);
    assert.deepEqual(turns.order('svc', targets), ['c', 'a', 'b']);
    assert.deepEqual(turns.order('svc', targets), ['a', 'b', 'c']);
    // Another Service port keeps its own turn.
    assert.deepEqual(turns.order('other', targets), ['a', 'b', 'c']);
  });

  it('round robin survives endpoints going away, and nothing to choose from gives nothing', () => {
    const turns = new RoundRobin();
    turns.order('svc', ['a', 'b', 'c']);
    turns.order('svc', ['a', 'b', 'c']);
    assert.deepEqual(turns.order('svc', ['a']), ['a']);
    assert.deepEqual(turns.order('svc', []), []);
    turns.retain(new Set());
    assert.deepEqual(turns.order('svc', ['a', 'b']), ['a', 'b']);
  });
});
