// NetworkPolicies through the API: SetDefaults_NetworkPolicy and
// ValidateNetworkPolicySpec's messages, as kube-apiserver words them.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { startInProcessApi, type InProcessApi } from '../helpers/inProcessApi.ts';

const policies = { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies' };
let api: InProcessApi;
before(async () => {
  api = await startInProcessApi();
});
after(() => api.close());

const policy = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name }, spec }) as KubeObject;

async function refusal(spec: Record<string, unknown>): Promise<string> {
  try {
    await api.client.resource(policies).create('default', policy('bad', spec));
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
}

test('defaults: policyTypes from the rules, TCP ports', async () => {
  const deny = (await api.client.resource(policies).create('default', policy('deny', { podSelector: {} }))) as KubeObject & { spec: Record<string, any> };
  assert.deepEqual(deny.spec.policyTypes, ['Ingress']);
  const both = (await api.client.resource(policies).create('default', policy('both', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports: [{ port: 5432 }] }], egress: [{}] }))) as KubeObject & { spec: Record<string, any> };
  assert.deepEqual(both.spec.policyTypes, ['Ingress', 'Egress']);
  assert.deepEqual(both.spec.ingress[0].ports, [{ port: 5432, protocol: 'TCP' }]);
});

test("ValidateNetworkPolicySpec's words", async () => {
  assert.match(await refusal({ podSelector: {}, ingress: [{ from: [{}] }] }), /spec.ingress\[0\].from\[0\]: Required value: must specify a peer/);
  assert.match(await refusal({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }), /spec.ingress\[0\].from\[0\]: Forbidden: may not specify both ipBlock and another peer/);
  assert.match(await refusal({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] } }] }] }), /spec.egress\[0\].to\[0\].ipBlock.except\[0\]: Invalid value: "192.168.0.0\/16": must be a strict subset of `cidr`/);
  assert.match(await refusal({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: 'ten' } }] }] }), /spec.egress\[0\].to\[0\].ipBlock.cidr: Invalid value: "ten": must be a valid CIDR value, \(e.g. 10.9.8.0\/24 or 2001:db8::\/64\)/);
  assert.match(await refusal({ podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] }), /spec.ingress\[0\].ports\[0\].endPort: Invalid value: 90: may not be specified when `port` is non-numeric/);
  assert.match(await refusal({ podSelector: {}, ingress: [{ ports: [{ port: 90, endPort: 80 }] }] }), /spec.ingress\[0\].ports\[0\].endPort: Invalid value: 90: must be greater than or equal to `port`/);
  assert.match(await refusal({ podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP' }] }] }), /spec.ingress\[0\].ports\[0\].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"/);
  assert.match(await refusal({ podSelector: {}, policyTypes: ['Inbound'] }), /spec.policyTypes\[0\]: Unsupported value: "Inbound": supported values: "Ingress", "Egress"/);
});
