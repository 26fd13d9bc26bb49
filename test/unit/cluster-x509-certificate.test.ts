// PodLab's own X.509 writer: the DER encodings byte for byte, and the
// certificates it makes (ECDSA P-256 and RSA) as Node's X509Certificate and,
// when installed, OpenSSL read and verify them.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bitString, children, namedBits, oid, readElement, time, tlv, unsignedInteger, utf8String } from '../../main/cluster/x509/der.ts';
import { ipBytes, keyIdentifier, subjectDer, writeCertificate } from '../../main/cluster/x509/certificate.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

const hex = (b: Buffer) => b.toString('hex');
const now = new Date('2026-01-01T00:00:00Z');
const later = new Date('2036-01-01T00:00:00Z');
const ec = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

function openssl(...args: string[]): string | undefined {
  try {
    return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

describe('DER', () => {
  it('writes lengths in short and long form', () => {
    assert.equal(hex(tlv(0x04, Buffer.alloc(3))), '0403000000');
    assert.equal(hex(tlv(0x04, Buffer.alloc(200)).subarray(0, 3)), '0481c8');
    assert.equal(hex(tlv(0x04, Buffer.alloc(300)).subarray(0, 4)), '0482012c');
  });

  it('writes OIDs with multi-byte arcs', () => {
    assert.equal(hex(oid('1.2.840.10045.4.3.2')), '06082a8648ce3d040302');
    assert.equal(hex(oid('2.5.29.17')), '0603551d11');
  });

  it('keeps integers minimal and positive', () => {
    assert.equal(hex(unsignedInteger(Buffer.from([0x00, 0x00, 0x7f]))), '02017f');
    assert.equal(hex(unsignedInteger(Buffer.from([0x80]))), '02020080');
    assert.equal(hex(unsignedInteger(Buffer.from([0x00]))), '020100');
  });

  it('counts the unused trailing bits of named bits', () => {
    assert.equal(hex(namedBits([0])), '03020780', 'digitalSignature alone');
    assert.equal(hex(namedBits([0, 5, 6])), '03020186', 'digitalSignature, keyCertSign, cRLSign');
    assert.equal(hex(namedBits([0, 2])), '030205a0', 'digitalSignature, keyEncipherment');
    assert.equal(hex(bitString(Buffer.from([1, 2]))), '0303000102');
  });

  it('writes UTCTime through 2049 and GeneralizedTime after', () => {
    assert.equal(time(new Date('2049-12-31T23:59:59.500Z')).toString('latin1').slice(2), '491231235959Z');
    assert.equal(time(new Date('2049-12-31T23:59:59Z'))[0], 0x17);
    assert.equal(time(new Date('2050-01-01T00:00:00Z')).toString('latin1'), '\x18\x0f20500101000000Z');
  });

  it('reads back what it writes', () => {
    const seq = readElement(tlv(0x30, Buffer.concat([utf8String('a'), tlv(0x04, Buffer.alloc(200))])));
    assert.deepEqual(children(seq).map((c) => [c.tag, c.content.length]), [[0x0c, 1], [0x04, 200]]);
    assert.throws(() => readElement(Buffer.from([0x30, 0x05, 0x00])), /truncated/);
  });

  it('turns IP addresses into their bytes', () => {
    assert.equal(hex(ipBytes('10.96.0.1')), '0a600001');
    assert.equal(hex(ipBytes('::1')), '00000000000000000000000000000001');
    assert.equal(hex(ipBytes('fd00:10:96::1')), 'fd000010009600000000000000000001');
    assert.equal(hex(ipBytes('::ffff:10.0.0.1')), '00000000000000000000ffff0a000001');
    assert.throws(() => ipBytes('kubernetes'), /not an IP/);
  });
});

describe('X.509 certificates', () => {
  const caKeys = ec();
  const caPem = writeCertificate({ subject: { commonName: 'podlab-test-ca' }, publicKey: caKeys.publicKey, signingKey: caKeys.privateKey, notBefore: now, notAfter: later, ca: true });
  const ca = new X509Certificate(caPem);

  it('makes a self-signed ECDSA P-256 CA', () => {
    assert.equal(ca.ca, true);
    assert.equal(ca.subject, 'CN=podlab-test-ca');
    assert.equal(ca.issuer, ca.subject);
    assert.ok(ca.verify(ca.publicKey));
    assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(new Date(ca.validFrom).toISOString(), now.toISOString());
    assert.equal(new Date(ca.validTo).toISOString(), later.toISOString());
    assert.equal(ca.keyUsage, undefined, 'Node lists extended key usages only; none on a CA');
    // Its key identifier is SHA-1 of the key's bits (the last 65 bytes of a P-256 SPKI).
    const spki = caKeys.publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(hex(keyIdentifier(caKeys.publicKey)), createHash('sha1').update(spki.subarray(spki.length - 65)).digest('hex'));
  });

  it('issues a serving certificate the CA verifies, for its names and addresses', () => {
    const keys = ec();
    const cert = new X509Certificate(
      writeCertificate({ subject: { commonName: 'kube-apiserver' }, publicKey: keys.publicKey, signingKey: caKeys.privateKey, issuer: { certPem: caPem }, notBefore: now, notAfter: later, extKeyUsage: ['serverAuth'], dnsNames: ['localhost', 'kubernetes.default.svc'], ipAddresses: ['127.0.0.1', '10.96.0.1'] }),
    );
    assert.ok(cert.verify(ca.publicKey));
    assert.ok(cert.checkIssued(ca));
    assert.equal(cert.ca, false);
    assert.equal(cert.issuer, 'CN=podlab-test-ca');
    assert.equal(cert.checkHost('kubernetes.default.svc'), 'kubernetes.default.svc');
    assert.equal(cert.checkHost('example.com'), undefined);
    assert.equal(cert.checkIP('10.96.0.1'), '10.96.0.1');
    assert.equal(cert.checkIP('10.96.0.2'), undefined);
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.ok(cert.publicKey.equals(keys.publicKey));
    assert.ok(!cert.verify(ec().publicKey), 'no other key verifies it');
  });

  it('names a client certificate’s groups as organizations and its user as the common name', () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const cert = new X509Certificate(
      writeCertificate({ subject: { organizations: ['system:masters', 'dev'], commonName: 'jane' }, publicKey: keys.publicKey, signingKey: caKeys.privateKey, issuer: { certPem: caPem }, notBefore: now, notAfter: later, extKeyUsage: ['clientAuth'] }),
    );
    assert.ok(cert.verify(ca.publicKey));
    assert.equal(cert.subject, 'O=system:masters\nO=dev\nCN=jane');
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.equal(cert.publicKey.asymmetricKeyType, 'rsa', 'an RSA key under an EC CA');
  });

  it('signs with an RSA CA key too, its issuer the CA’s subject byte for byte', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaCaPem = writeCertificate({ subject: { commonName: 'old-ca' }, publicKey: rsa.publicKey, signingKey: rsa.privateKey, notBefore: now, notAfter: later, ca: true });
    const leafPem = writeCertificate({ subject: { commonName: 'leaf' }, publicKey: ec().publicKey, signingKey: rsa.privateKey, issuer: { certPem: rsaCaPem }, notBefore: now, notAfter: later });
    assert.ok(new X509Certificate(leafPem).verify(rsa.publicKey));
    assert.ok(new X509Certificate(leafPem).checkIssued(new X509Certificate(rsaCaPem)));
    const leafIssuer = children(children(readElement(new X509Certificate(leafPem).raw))[0]!)[3]!.bytes;
    assert.equal(hex(leafIssuer), hex(subjectDer(rsaCaPem)));
  });

  it('refuses a key it cannot sign X.509 with', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    assert.throws(() => writeCertificate({ subject: { commonName: 'x' }, publicKey: p384.publicKey, signingKey: p384.privateKey, notBefore: now, notAfter: later }), /P-256 only/);
  });

  it('is read and verified by OpenSSL, when it is installed', (t) => {
    const dir = tempDir('x509');
    try {
      const keys = ec();
      const leafPem = writeCertificate({ subject: { commonName: 'kube-apiserver' }, publicKey: keys.publicKey, signingKey: caKeys.privateKey, issuer: { certPem: caPem }, notBefore: new Date(Date.now() - 60_000), notAfter: later, extKeyUsage: ['serverAuth'], dnsNames: ['kubernetes'], ipAddresses: ['127.0.0.1'] });
      writeFileSync(join(dir, 'ca.crt'), caPem);
      writeFileSync(join(dir, 'leaf.crt'), leafPem);
      const text = openssl('x509', '-in', join(dir, 'leaf.crt'), '-noout', '-text');
      if (text === undefined) return t.skip('no openssl');
      assert.match(text, /Signature Algorithm: ecdsa-with-SHA256/);
      assert.match(text, /X509v3 Key Usage: critical\s+Digital Signature\n/);
      assert.match(text, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
      assert.match(text, /X509v3 Authority Key Identifier:\s+(keyid:)?[0-9A-F:]{59}\n/);
      assert.match(text, /DNS:kubernetes, IP Address:127\.0\.0\.1/);
      assert.match(openssl('x509', '-in', join(dir, 'ca.crt'), '-noout', '-text')!, /CA:TRUE[\s\S]*Certificate Sign, CRL Sign|Digital Signature, Certificate Sign, CRL Sign[\s\S]*CA:TRUE/);
      assert.match(openssl('verify', '-CAfile', join(dir, 'ca.crt'), '-purpose', 'sslserver', join(dir, 'leaf.crt'))!, /leaf\.crt: OK/);
    } finally {
      removeDir(dir);
    }
  });
});
