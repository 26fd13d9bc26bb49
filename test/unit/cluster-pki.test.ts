// The cluster's PKI: made once, kept across restarts, and a serving
// certificate re-issued by the same CA when it must name a new address.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadOrCreatePki } from '../../main/cluster/pki.ts';
import { removeDir, tempDir } from '../helpers/podlabProcess.ts';

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
});
