// Signs a certificate node-forge has built with Node's native crypto
// (SHA-256 with RSA), as forge's own `cert.sign` would but without its
// JavaScript RSA: the signatures of a new cluster's certificates were most
// of its PKI time.

import { sign } from 'node:crypto';
import forge from 'node-forge';

export function signCertificate(cert: forge.pki.Certificate, privateKeyPem: string): void {
  const oid = forge.pki.oids.sha256WithRSAEncryption!;
  cert.siginfo.algorithmOid = oid;
  cert.signatureOid = oid;
  // What forge signs: the DER of the TBSCertificate, which then also goes into the PEM as is.
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  (cert as unknown as { tbsCertificate: forge.asn1.Asn1 }).tbsCertificate = tbs;
  const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  cert.signature = sign('sha256', der, privateKeyPem).toString('binary');
}
