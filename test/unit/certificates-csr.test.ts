// CertificateSigningRequests without a cluster: PKCS#10 requests read and
// their signatures checked (one tampered with is refused in Go's words), and
// the strategy's rules: the requester written into the spec, the status
// subresource unable to approve, the approval subresource unable to touch the
// certificate, approval conditions that cannot be removed, and kubectl's
// CONDITION column.

import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { certificatesigningrequests, type CertificateSigningRequest } from '../../main/apiserver/resources/certificatesigningrequests.ts';
import { parseCertificateRequest } from '../../main/cluster/x509/certificateRequest.ts';
import { certificateRequestPem } from '../helpers/certificateRequest.ts';

const certificateRequest = certificateRequestPem;

const ecKey = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

function csr(request: string, status?: CertificateSigningRequest['status']): CertificateSigningRequest {
  return { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'alice', creationTimestamp: '2026-12-06T10:00:00Z' }, spec: { request: Buffer.from(request).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] }, ...(status ? { status } : {}) };
}

const strategy = certificatesigningrequests.strategy;
const messages = (errs: Array<{ field: string; detail?: string }>) => errs.map((e) => `${e.field}: ${e.detail ?? ''}`);

describe('certificate requests', () => {
  it('reads the subject and key of a request whose signature verifies, and refuses one that does not', () => {
    const key = ecKey();
    const parsed = parseCertificateRequest(certificateRequest('alice', ['dev', 'qa'], key));
    assert.equal(parsed.commonName, 'alice');
    assert.deepEqual(parsed.organizations, ['dev', 'qa']);
    assert.equal(parsed.publicKey.asymmetricKeyType, 'ec');
    assert.throws(() => parseCertificateRequest(certificateRequest('alice', [], key, true)), /^Error: x509: ECDSA verification failure$/);
    assert.throws(() => parseCertificateRequest('-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n'), /PEM block type must be CERTIFICATE REQUEST/);
  });
});

describe('CertificateSigningRequest strategy', () => {
  it('writes the requester into the spec on create, whatever was sent, and no status', () => {
    const obj = csr(certificateRequest('alice', [], ecKey()), { conditions: [{ type: 'Approved', status: 'True' }] });
    obj.spec.username = 'someone-else';
    strategy.prepareForCreate!(obj, { name: 'bob', uid: 'u-1', groups: ['team', 'system:authenticated'] });
    assert.deepEqual([obj.spec.username, obj.spec.uid, obj.spec.groups, obj.status], ['bob', 'u-1', ['team', 'system:authenticated'], undefined]);
    assert.deepEqual(strategy.validate!(obj), []);
  });

  it('keeps approval to the approval subresource, and the certificate to the signer', () => {
    const request = certificateRequest('alice', [], ecKey());
    const pending = csr(request);
    const approving = csr(request, { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove' }], certificate: Buffer.from('forged').toString('base64') });
    const approved = strategy.views!.approval!.prepare(approving, pending) as CertificateSigningRequest;
    assert.equal(approved.status?.certificate, undefined, 'the approval subresource cannot write the certificate');
    assert.equal(approved.status?.conditions?.[0]?.type, 'Approved');
    assert.ok(approved.status?.conditions?.[0]?.lastTransitionTime, 'stamped');
    assert.deepEqual(strategy.views!.approval!.validateUpdate(approved, pending), []);

    const selfApproved = strategy.views!.status!.prepare(approving, pending) as CertificateSigningRequest;
    assert.deepEqual(messages(strategy.views!.status!.validateUpdate(selfApproved, pending)), ['status.certificate: must contain at least one CERTIFICATE PEM block', 'status.conditions: updates may not add a condition of type "Approved"']);

    const unapproved = strategy.views!.approval!.prepare(csr(request, { conditions: [] }), approved) as CertificateSigningRequest;
    assert.deepEqual(messages(strategy.views!.approval!.validateUpdate(unapproved, approved)), ['status.conditions: updates may not remove a condition of type "Approved"']);
    const both = strategy.views!.approval!.prepare(csr(request, { conditions: [{ type: 'Approved', status: 'True' }, { type: 'Denied', status: 'True' }] }), approved) as CertificateSigningRequest;
    assert.deepEqual(messages(strategy.views!.approval!.validateUpdate(both, approved)), ['status.conditions: Approved and Denied conditions are mutually exclusive']);
  });

  it('prints the CONDITION column as kubectl does', () => {
    const request = certificateRequest('alice', [], ecKey());
    const row = (status?: CertificateSigningRequest['status']) => strategy.table!.row(csr(request, status), new Date('2026-12-06T10:05:00Z'));
    assert.deepEqual(row(), ['alice', '5m', 'kubernetes.io/kube-apiserver-client', '', '<none>', 'Pending']);
    assert.equal(row({ conditions: [{ type: 'Approved', status: 'True' }, { type: 'Failed', status: 'True' }] })[5], 'Approved,Failed');
    assert.equal(row({ conditions: [{ type: 'Approved', status: 'True' }], certificate: 'eA==' })[5], 'Approved,Issued');
    assert.equal(row({ conditions: [{ type: 'Denied', status: 'True' }] })[5], 'Denied');
  });
});
