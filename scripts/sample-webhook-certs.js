// Prints the CA and serving certificate of the admission-webhooks sample
// (resources/samples/admission-webhooks.yaml): a CA whose certificate goes in
// the webhook configurations' caBundle, and a certificate for the webhook's
// Service name signed by it, valid ten years. Run it again to replace them;
// real clusters have cert-manager (or the webhook itself) do this.

import forge from 'node-forge';

const serviceName = 'admission-demo.webhook-demo.svc';
const tenYears = 10 * 365 * 24 * 3600 * 1000;

function certificate(subject, issuer, publicKey, signingKey, extensions) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = forge.util.bytesToHex(forge.random.getBytesSync(16)).replace(/^[89a-f]/, '1');
  cert.validity.notBefore = new Date();
  cert.validity.notAfter = new Date(Date.now() + tenYears);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  cert.setIssuer([{ name: 'commonName', value: issuer }]);
  cert.setExtensions(extensions);
  cert.sign(signingKey, forge.md.sha256.create());
  return cert;
}

const caKeys = forge.pki.rsa.generateKeyPair(2048);
const ca = certificate('podlab-sample-webhook-ca', 'podlab-sample-webhook-ca', caKeys.publicKey, caKeys.privateKey, [
  { name: 'basicConstraints', cA: true },
  { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
]);
const serverKeys = forge.pki.rsa.generateKeyPair(2048);
const server = certificate(serviceName, 'podlab-sample-webhook-ca', serverKeys.publicKey, caKeys.privateKey, [
  { name: 'basicConstraints', cA: false },
  { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
  { name: 'extKeyUsage', serverAuth: true },
  { name: 'subjectAltName', altNames: [{ type: 2, value: serviceName }, { type: 2, value: 'admission-demo.webhook-demo.svc.cluster.local' }] },
]);
const pem = (value) => value.trim();
console.log(JSON.stringify({ caBundle: Buffer.from(forge.pki.certificateToPem(ca)).toString('base64'), tlsCrt: pem(forge.pki.certificateToPem(server)), tlsKey: pem(forge.pki.privateKeyToPem(serverKeys.privateKey)) }, null, 2));
