// kube-controller-manager's csrcleaner on a fake clock: hourly, an issued
// request goes an hour after its approval, a denied one an hour after its
// denial, a pending one after a day; an approved one still waiting for its
// certificate stays.

import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../main/kube/meta.ts';
import { kubeTimestamp } from '../../main/kube/time.ts';
import { writeCertificate } from '../../main/cluster/x509/certificate.ts';
import { csrResource } from '../../main/controllers/certificates/csrSigningController.ts';
import { certificateRequestPem } from '../helpers/certificateRequest.ts';
import { settle, startHarness, type Harness } from './controllers-harness.ts';

const HOUR = 3600_000;

describe('csrcleaner', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(['csrcleaner']);
  });
  after(() => h.close());

  it('deletes what is done with, on kube\'s deadlines', async () => {
    const csrs = h.client.resource(csrResource);
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const request = Buffer.from(certificateRequestPem('alice', [], key)).toString('base64');
    const create = (name: string) => csrs.create(undefined, { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name }, spec: { request, signerName: 'example.com/signer', usages: ['client auth'] } } as unknown as KubeObject);
    const at = kubeTimestamp(new Date(h.clock.now()));
    const decide = (name: string, type: 'Approved' | 'Denied') => csrs.patch(undefined, name, 'application/merge-patch+json', { status: { conditions: [{ type, status: 'True', reason: 'Test', lastUpdateTime: at }] } }, 'approval');
    for (const name of ['issued', 'denied', 'pending', 'approved']) await create(name);
    await decide('issued', 'Approved');
    await decide('approved', 'Approved');
    await decide('denied', 'Denied');
    const certificate = writeCertificate({ subject: { commonName: 'alice' }, publicKey: createPublicKey(key.publicKey.export({ format: 'pem', type: 'spki' })), signingKey: createPrivateKey(key.privateKey.export({ format: 'pem', type: 'pkcs8' })), notBefore: new Date(h.clock.now()), notAfter: new Date(h.clock.now() + 365 * 24 * HOUR) });
    const issued = await csrs.get(undefined, 'issued');
    await csrs.updateStatus(undefined, { ...issued, status: { ...(issued.status as object), certificate: Buffer.from(certificate).toString('base64') } } as KubeObject);

    const names = async () => (await csrs.list()).items.map((c) => c.metadata.name).sort();
    // Time passes an hour at a time, each poll's work done before the next (as wall time would let it).
    const hours = async (count: number) => {
      for (let i = 0; i < count; i++) {
        h.clock.advance(HOUR);
        await settle();
      }
    };
    await hours(1);
    assert.deepEqual(await names(), ['approved', 'denied', 'issued', 'pending'], 'nothing is more than an hour old yet');
    await hours(2);
    assert.deepEqual(await names(), ['approved', 'pending'], 'issued and denied go an hour after');
    await hours(22);
    assert.deepEqual(await names(), ['approved'], 'pending goes after a day; approved and not issued stays');
  });
});
