// The ingress controller's default certificate is kept with the cluster's
// keys: made once (key 0600), read back on the next start, made again when
// its files are missing or unreadable.

import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_CERTIFICATE_NAME, defaultCertificateMissing, loadOrCreateDefaultCertificate } from '../../main/network/ingress/tlsCertificates.ts';

const dir = join(mkdtempSync(join(tmpdir(), 'podlab-ingress-cert-')), 'pki');
after(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

test('made once and kept: the next start reads the same certificate and key', () => {
  assert.equal(defaultCertificateMissing(dir), true);
  const made = loadOrCreateDefaultCertificate(dir);
  const x509 = new X509Certificate(made.cert);
  assert.match(x509.subject, new RegExp(`CN=${DEFAULT_CERTIFICATE_NAME}`));
  assert.ok(x509.checkPrivateKey(createPrivateKey(made.key)));
  assert.equal(statSync(join(dir, 'ingress-default.key')).mode & 0o777, 0o600);
  assert.equal(defaultCertificateMissing(dir), false);
  assert.deepEqual(loadOrCreateDefaultCertificate(dir), made);
});

test('an unreadable kept certificate is made again', () => {
  writeFileSync(join(dir, 'ingress-default.crt'), 'not a certificate');
  assert.equal(defaultCertificateMissing(dir), true);
  const again = loadOrCreateDefaultCertificate(dir);
  assert.equal(readFileSync(join(dir, 'ingress-default.crt'), 'utf8'), again.cert);
  assert.doesNotThrow(() => new X509Certificate(again.cert));
});
