// The cluster's PKI: made once, kept across restarts, and a serving
// certificate re-issued by the same CA when it must name a new address. A new
// cluster's keys are ECDSA P-256; one made with RSA keys keeps working.

import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { request, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { describe, it } from 'node:test';
import forge from 'node-forge';
import { issueClientCertificate, loadOrCreatePki, type ClusterPki } from '../../main/cluster/pki.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

/** A CA as PodLab made them before its keys were ECDSA: RSA, built by node-forge. */
function writeRsaCa(dataDir: string): void {
  const dir = join(dataDir, 'pki');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 3600_000);
  cert.setSubject([{ name: 'commonName', value: 'podlab-old-ca' }]);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }, { name: 'subjectKeyIdentifier' }]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKey), forge.md.sha256.create());
  writeFileSync(join(dir, 'ca.key'), keys.privateKey, { mode: 0o600 });
  writeFileSync(join(dir, 'ca.crt'), forge.pki.certificateToPem(cert));
}

/** An HTTPS server on the serving certificate that asks for a client certificate from the CA; resolves with what the client's request saw. */
async function handshake(pki: ClusterPki, client: { certPem: string; keyPem: string }): Promise<{ authorized: boolean; user: string; protocol: string }> {
  const server = createServer({ key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, (req, res) => {
    const socket = req.socket as TLSSocket;
    res.end(JSON.stringify({ authorized: socket.authorized, user: socket.getPeerCertificate().subject.CN, protocol: socket.getProtocol() }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', ca: pki.caCert, cert: client.certPem, key: client.keyPem, servername: 'kubernetes.default.svc' }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(JSON.parse(body)));
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    server.close();
  }
}

describe('cluster PKI', () => {
  it('signs a serving certificate for loopback and the kubernetes names, kept across starts', () => {
    const dir = tempDir('pki');
    try {
      const first = loadOrCreatePki(dir, 'c1', ['10.244.128.1']);
      const cert = new X509Certificate(first.serverCert);
      assert.ok(cert.verify(new X509Certificate(first.caCert).publicKey), 'signed by the cluster CA');
      assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
      assert.match(cert.subjectAltName ?? '', /IP Address:10\.244\.128\.1/);
      assert.match(cert.subjectAltName ?? '', /DNS:kubernetes\.default\.svc\.cluster\.local/);
      assert.deepEqual(loadOrCreatePki(dir, 'c1', ['10.244.128.1']), first, 'the same files on the next start');
    } finally {
      removeDir(dir);
    }
  });

  it('re-issues the serving certificate from the same CA when an address is missing', () => {
    const dir = tempDir('pki');
    try {
      const old = loadOrCreatePki(dir, 'c2');
      const renewed = loadOrCreatePki(dir, 'c2', ['10.245.128.1']);
      assert.equal(renewed.caCert, old.caCert, 'kubeconfigs keep trusting the same CA');
      assert.notEqual(renewed.serverCert, old.serverCert);
      assert.match(new X509Certificate(renewed.serverCert).subjectAltName ?? '', /IP Address:10\.245\.128\.1/);
    } finally {
      removeDir(dir);
    }
  });

  it('makes a new cluster’s keys ECDSA P-256, kept in files only their owner reads', () => {
    const dir = tempDir('pki');
    try {
      const pki = loadOrCreatePki(dir, 'c3', ['10.246.128.1']);
      const ca = new X509Certificate(pki.caCert);
      assert.equal(ca.ca, true);
      assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
      assert.equal(createPrivateKey(pki.serverKey).asymmetricKeyDetails?.namedCurve, 'prime256v1');
      assert.equal(createPrivateKey(pki.serviceAccountKey.privateKeyPem).asymmetricKeyDetails?.namedCurve, 'prime256v1');
      const serving = new X509Certificate(pki.serverCert);
      assert.ok(serving.verify(ca.publicKey));
      assert.equal(serving.checkIP('10.246.128.1'), '10.246.128.1');
      assert.equal(serving.checkHost('kubernetes.default.svc.cluster.local'), 'kubernetes.default.svc.cluster.local');
      for (const file of ['ca.key', 'apiserver.key', 'sa.key']) assert.equal(statSync(join(dir, 'pki', file)).mode & 0o777, 0o600, file);
    } finally {
      removeDir(dir);
    }
  });

  it('serves TLS on the EC certificate to a client with a certificate from the EC CA', async () => {
    const dir = tempDir('pki');
    try {
      const pki = loadOrCreatePki(dir, 'c4', ['10.247.128.1']);
      const client = issueClientCertificate(dir, { user: 'jane', groups: ['dev'], validityMs: 3600_000 });
      assert.equal(new X509Certificate(client.certPem).subject, 'O=dev\nCN=jane');
      assert.equal(createPrivateKey(client.keyPem).asymmetricKeyType, 'ec');
      const seen = await handshake(pki, client);
      assert.equal(seen.authorized, true);
      assert.equal(seen.user, 'jane');
      assert.match(seen.protocol, /^TLSv1\.[23]$/);
      // A certificate from another CA is turned away.
      const stranger = tempDir('pki');
      try {
        loadOrCreatePki(stranger, 'other');
        await assert.rejects(handshake(pki, issueClientCertificate(stranger, { user: 'mallory', groups: [], validityMs: 3600_000 })));
      } finally {
        removeDir(stranger);
      }
    } finally {
      removeDir(dir);
    }
  });

  it('keeps an RSA cluster RSA: a new serving certificate and client certificates from its CA, TLS between them', async () => {
    const dir = tempDir('pki');
    try {
      writeRsaCa(dir);
      const pki = loadOrCreatePki(dir, 'old', ['10.248.128.1']);
      const ca = new X509Certificate(pki.caCert);
      assert.equal(ca.subject, 'CN=podlab-old-ca');
      assert.equal(createPrivateKey(pki.serverKey).asymmetricKeyType, 'rsa');
      assert.ok(new X509Certificate(pki.serverCert).verify(ca.publicKey));
      assert.ok(new X509Certificate(pki.serverCert).checkIssued(ca));
      const client = issueClientCertificate(dir, { user: 'admin', groups: ['system:masters'], validityMs: 3600_000 });
      assert.equal(createPrivateKey(client.keyPem).asymmetricKeyType, 'rsa');
      const seen = await handshake(pki, client);
      assert.equal(seen.authorized, true);
      assert.equal(seen.user, 'admin');
    } finally {
      removeDir(dir);
    }
  });
});
