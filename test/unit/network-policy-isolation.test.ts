// What NetworkPolicies allow, worked out per pod: selection and isolation,
// pod and namespace peers, ipBlocks with exceptions, named ports, egress;
// the verdict the add-on applies to Service connections; and the
// iptables-restore file written into a pod's namespace.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionAllowed } from '../../main/addon/policy.ts';
import { computeIsolation, type PolicyObject, type PolicyPod } from '../../main/network/policy/isolation.ts';
import { iptablesRestoreFile } from '../../main/network/policy/iptablesRules.ts';

const pod = (name: string, ip: string, labels: Record<string, string>, namespace = 'default', ports: PolicyPod['ports'] = []): PolicyPod => ({ name, ip, labels, namespace, ports });
const db = pod('db', '10.0.0.2', { app: 'db' }, 'default', [{ name: 'pg', containerPort: 5432 }]);
const web = pod('web', '10.0.0.3', { app: 'web' });
const batch = pod('batch', '10.0.0.4', { app: 'batch' });
const monitor = pod('monitor', '10.0.0.5', { app: 'prom' }, 'ops');
const pods = [db, web, batch, monitor];
const namespaces = new Map<string, Record<string, string>>([
  ['default', { 'kubernetes.io/metadata.name': 'default' }],
  ['ops', { 'kubernetes.io/metadata.name': 'ops', team: 'ops' }],
]);
const policy = (name: string, spec: PolicyObject['spec'], namespace = 'default'): PolicyObject => ({ metadata: { name, namespace }, spec });

describe('NetworkPolicy isolation', () => {
  it('isolates only the selected pods, in the directions the policy types name', () => {
    const table = computeIsolation([policy('deny', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] })], pods, namespaces);
    assert.deepEqual(Object.keys(table), ['10.0.0.2']);
    assert.deepEqual(table['10.0.0.2'], { ingress: [] });
    assert.equal(connectionAllowed(table, web.ip, db.ip, 5432, 'TCP'), false);
    assert.equal(connectionAllowed(table, db.ip, web.ip, 80, 'TCP'), true, 'egress is not isolated');
  });

  it('allows pods by label, namespaces by label, and named ports on the destination', () => {
    const table = computeIsolation(
      [
        policy('db-in', {
          podSelector: { matchLabels: { app: 'db' } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }, { namespaceSelector: { matchLabels: { team: 'ops' } } }], ports: [{ port: 'pg' }] }],
        }),
      ],
      pods,
      namespaces,
    );
    assert.equal(connectionAllowed(table, web.ip, db.ip, 5432, 'TCP'), true);
    assert.equal(connectionAllowed(table, monitor.ip, db.ip, 5432, 'TCP'), true);
    assert.equal(connectionAllowed(table, batch.ip, db.ip, 5432, 'TCP'), false);
    assert.equal(connectionAllowed(table, web.ip, db.ip, 22, 'TCP'), false);
    assert.equal(connectionAllowed(table, web.ip, db.ip, 5432, 'UDP'), false);
  });

  it('egress to an ipBlock minus its exceptions, and port ranges', () => {
    const table = computeIsolation(
      [policy('out', { podSelector: { matchLabels: { app: 'batch' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24', except: ['10.0.0.2/32'] } }], ports: [{ port: 8000, endPort: 8080 }] }] })],
      pods,
      namespaces,
    );
    assert.equal(connectionAllowed(table, batch.ip, web.ip, 8080, 'TCP'), true);
    assert.equal(connectionAllowed(table, batch.ip, web.ip, 8081, 'TCP'), false);
    assert.equal(connectionAllowed(table, batch.ip, db.ip, 8000, 'TCP'), false, 'the exception');
    const file = iptablesRestoreFile(table[batch.ip], { trusted: ['10.0.0.254'] });
    assert.match(file, /-A PODLAB-EGRESS -d 10\.0\.0\.254\/32 -j ACCEPT/);
    assert.match(file, /-A PODLAB-EGRESS -p tcp -m tcp --dport 8000:8080 -j PODLAB-E0-0/);
    assert.match(file, /-A PODLAB-E0-0 -d 10\.0\.0\.2\/32 -j RETURN\n-A PODLAB-E0-0 -d 10\.0\.0\.0\/24 -j ACCEPT/);
    assert.match(file, /-A PODLAB-EGRESS -j DROP\nCOMMIT\n$/);
    assert.doesNotMatch(file, /PODLAB-INGRESS -j DROP/, 'ingress stays open');
  });

  it('a pod no policy selects gets empty chains (lifting earlier rules)', () => {
    assert.equal(
      iptablesRestoreFile(undefined, { trusted: [] }),
      ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]', ':PODLAB-INGRESS - [0:0]', ':PODLAB-EGRESS - [0:0]', '-A INPUT -j PODLAB-INGRESS', '-A OUTPUT -j PODLAB-EGRESS', 'COMMIT', ''].join('\n'),
    );
  });
});
