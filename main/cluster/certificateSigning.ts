// Signs a certificate node-forge has built with Node's native crypto
// (SHA-256 with RSA), as forge's own `cert.sign` would but without its
// JavaScript RSA: the signatures of a new cluster's certificates were most
// of its PKI time.

import { sign } from 'node:crypto';
import type Forge from 'node-forge';
import { lazyModule } from '../lazyModule.ts';

const nodeForge = lazyModule<typeof Forge>('node-forge');

export function signCertificate(cert: Forge.pki.Certificate, privateKeyPem: string): void {
  const oid = nodeForge().pki.oids.sha256WithRSAEncryption!;
  cert.siginfo.algorithmOid = oid;
  cert.signatureOid = oid;
  // What forge signs: the DER of the TBSCertificate, which then also goes into the PEM as is.
  const tbs = (nodeForge().pki as unknown as { getTBSCertificate(c: Forge.pki.Certificate): Forge.asn1.Asn1 }).getTBSCertificate(cert);
  (cert as unknown as { tbsCertificate: Forge.asn1.Asn1 }).tbsCertificate = tbs;
  const der = Buffer.from(nodeForge().asn1.toDer(tbs).getBytes(), 'binary');
  cert.signature = sign('sha256', der, privateKeyPem).toString('binary');
}
