// PKCS#10 certificate requests (RFC 2986), as `openssl req -new` and Go's
// x509.CreateCertificateRequest write them: read from PEM, their signature
// checked with the key they carry (what x509.ParseCertificateRequest and
// CheckSignature do for kube-apiserver), and their subject and public key
// handed to the signer. RSA (PKCS#1 v1.5) and ECDSA signatures with SHA-256,
// -384 or -512, and Ed25519.

import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { children, readElement, type Element } from './der.ts';

export interface CertificateRequest {
  /** The subject Name as the request encodes it (DER), which the certificate then carries unchanged. */
  subjectDer: Buffer;
  commonName: string;
  organizations: string[];
  publicKey: KeyObject;
}

const SIGNATURE_HASHES: Record<string, string | null> = {
  '1.2.840.113549.1.1.11': 'sha256', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null, // Ed25519: no separate hash
};
/** Go's words for a signature that does not verify. */
const VERIFICATION_FAILURES: Record<string, string> = { rsa: 'crypto/rsa: verification error', ec: 'x509: ECDSA verification failure', ed25519: 'x509: Ed25519 verification failure' };
const COMMON_NAME = '2.5.4.3';
const ORGANIZATION = '2.5.4.10';

function oidText(element: Element): string {
  const bytes = element.content;
  const parts = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let value = 0;
  for (let i = 1; i < bytes.length; i++) {
    value = value * 128 + (bytes[i]! & 0x7f);
    if ((bytes[i]! & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** The request's DER from its PEM; Go's errors when it is not one. */
export function certificateRequestDer(pem: string): Buffer {
  const match = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(pem);
  if (!match) throw new Error('PEM block type must be CERTIFICATE REQUEST');
  if (match[1] !== 'CERTIFICATE REQUEST') throw new Error('PEM block type must be CERTIFICATE REQUEST');
  return Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64');
}

/** Parses a PEM request and checks its signature; throws with what is wrong. */
export function parseCertificateRequest(pem: string): CertificateRequest {
  const der = certificateRequestDer(pem);
  let info: Element;
  let algorithm: Element;
  let signature: Element;
  let subject: Element;
  let spki: Element;
  try {
    [info, algorithm, signature] = children(readElement(der)) as [Element, Element, Element];
    [, subject, spki] = children(info) as [Element, Element, Element];
  } catch {
    throw new Error('x509: malformed certificate request');
  }
  if (!info || !algorithm || !signature || !subject || !spki || signature.tag !== 0x03) throw new Error('x509: malformed certificate request');
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: spki.bytes, format: 'der', type: 'spki' });
  } catch {
    throw new Error('x509: unsupported public key algorithm');
  }
  const algorithmOid = oidText(children(algorithm)[0]!);
  const hash = SIGNATURE_HASHES[algorithmOid];
  if (hash === undefined) throw new Error(`x509: cannot verify signature: algorithm unimplemented (${algorithmOid})`);
  // A BIT STRING's first byte counts its unused bits: none in a signature.
  if (!verify(hash, info.bytes, publicKey, signature.content.subarray(1))) throw new Error(VERIFICATION_FAILURES[publicKey.asymmetricKeyType ?? ''] ?? 'x509: signature verification failure');
  const names: Record<string, string[]> = {};
  for (const rdn of children(subject)) {
    for (const attribute of children(rdn)) {
      const [type, value] = children(attribute) as [Element, Element];
      (names[oidText(type)] ??= []).push(value.content.toString('utf8'));
    }
  }
  return { subjectDer: subject.bytes, commonName: names[COMMON_NAME]?.[0] ?? '', organizations: names[ORGANIZATION] ?? [], publicKey };
}
