// Cluster subnets: the first /16 from 10.244.0.0 that overlaps nothing in use.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseSubnet, overlaps } from '../../main/cluster/subnet.ts';

describe('cluster subnet choice', () => {
  it('detects overlapping CIDRs of any size', () => {
    assert.equal(overlaps('10.244.0.0/16', '10.244.3.0/24'), true);
    assert.equal(overlaps('10.0.0.0/8', '10.250.0.0/16'), true);
    assert.equal(overlaps('10.244.0.0/16', '10.245.0.0/16'), false);
    assert.equal(overlaps('172.17.0.0/16', '10.244.0.0/16'), false);
  });

  it('skips subnets of other clusters and of Docker networks, whatever their size', () => {
    assert.equal(chooseSubnet([]), '10.244.0.0/16');
    assert.equal(chooseSubnet(['10.244.0.0/16', '172.17.0.0/16']), '10.245.0.0/16');
    assert.equal(chooseSubnet(['10.244.128.0/20', '10.245.0.0/24']), '10.246.0.0/16');
  });
});
