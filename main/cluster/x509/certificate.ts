// X.509 v3 certificates (RFC 5280) written as DER by PodLab itself and signed
// by Node's crypto, with an ECDSA P-256 key (ecdsa-with-SHA256, as k3s and
// kubeadm's ECDSA-P256 make them) or an RSA key (sha256WithRSAEncryption, for
// a cluster whose CA was made RSA). node-forge only builds RSA certificates;
// this carries just the extensions Kubernetes' own certificates carry.

import { createHash, createPublicKey, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { bitString, boolean, children, explicit, implicitPrimitive, namedBits, nullValue, octetString, oid, readElement, sequence, set, smallInteger, time, unsignedInteger, utf8String } from './der.ts';

export interface NameAttributes {
  /** One O attribute each, in order, before the CN (how client certificates name a user's groups). */
  organizations?: string[];
  commonName: string;
}

export interface CertificateSpec {
  /** The subject's attributes, or its Name already encoded (DER), as a certificate request carries it. */
  subject: NameAttributes | Buffer;
  /** The subject's public key. */
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** Absent: self-signed, `signingKey` being the subject's own private key. */
  issuer?: { certPem: string };
  signingKey: KeyObject;
  ca?: boolean;
  extKeyUsage?: Array<'serverAuth' | 'clientAuth'>;
  /** A leaf's key usages; by default what its key type calls for. Empty: no KeyUsage extension (as Go leaves it out). */
  keyUsage?: Array<'digitalSignature' | 'keyEncipherment'>;
  dnsNames?: string[];
  ipAddresses?: string[];
}

const OIDS = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;

/** KeyUsage bit numbers (RFC 5280 4.2.1.3). */
const KEY_USAGE = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

function name(attributes: NameAttributes): Buffer {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  return sequence(...(attributes.organizations ?? []).map((o) => rdn(OIDS.organization, o)), rdn(OIDS.commonName, attributes.commonName));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** An IP address's bytes: 4 for IPv4, 16 for IPv6. */
export function ipBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (!isIPv6(ip)) throw new Error(`not an IP address: ${ip}`);
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups first.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  const text = v4 ? ip.slice(0, v4.index) + ipBytes(v4[1]!).toString('hex').replace(/^(....)/, '$1:') : ip;
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return Buffer.from(all.map((g) => g.padStart(4, '0')).join(''), 'hex');
}

/** A key's SubjectPublicKeyInfo (Node 20's createPublicKey takes no public KeyObject). */
function spkiDer(key: KeyObject): Buffer {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
}

/** The bits of a SubjectPublicKeyInfo's subjectPublicKey. */
function publicKeyBits(key: KeyObject): Buffer {
  const spki = readElement(spkiDer(key));
  // BIT STRING content: the unused-bits count (0), then the key.
  return children(spki)[1]!.content.subarray(1);
}

/** RFC 5280 4.2.1.2's first method, as Go and node-forge compute it: SHA-1 of the public key's bits. */
export function keyIdentifier(key: KeyObject): Buffer {
  return createHash('sha1').update(publicKeyBits(key)).digest();
}

/** The subject Name of a certificate, byte for byte: an issued certificate's issuer must match it exactly (Go compares the bytes). */
export function subjectDer(certPem: string): Buffer {
  const cert = readElement(new X509Certificate(certPem).raw);
  const tbs = children(children(cert)[0]!);
  // version [0] is there in every v3 certificate; then serial, signature, issuer, validity, subject.
  const fields = tbs[0]!.tag === 0xa0 ? tbs.slice(1) : tbs;
  return fields[4]!.bytes;
}

function signatureAlgorithm(key: KeyObject): Buffer {
  if (key.asymmetricKeyType === 'ec') {
    if (key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error(`unsupported CA curve ${String(key.asymmetricKeyDetails?.namedCurve)}: P-256 only`);
    // RFC 5758: the parameters are absent.
    return sequence(oid(OIDS.ecdsaWithSha256));
  }
  if (key.asymmetricKeyType === 'rsa') return sequence(oid(OIDS.sha256WithRsa), nullValue());
  throw new Error(`unsupported signing key type ${String(key.asymmetricKeyType)}`);
}

/** Positive and 128 bits at most, as RFC 5280 4.1.2.2 asks (20 octets at most). */
function serialNumber(): Buffer {
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  return unsignedInteger(serial);
}

/** A signed certificate, in PEM. */
export function writeCertificate(spec: CertificateSpec): string {
  const subject = Buffer.isBuffer(spec.subject) ? spec.subject : name(spec.subject);
  const issuer = spec.issuer ? subjectDer(spec.issuer.certPem) : subject;
  const leafKeyUsage = spec.keyUsage ? spec.keyUsage.map((usage) => KEY_USAGE[usage]) : spec.publicKey.asymmetricKeyType === 'rsa' ? [KEY_USAGE.digitalSignature, KEY_USAGE.keyEncipherment] : [KEY_USAGE.digitalSignature];
  const keyUsage = spec.ca ? [KEY_USAGE.digitalSignature, KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign] : leafKeyUsage;
  const extensions = [
    ...(keyUsage.length ? [extension(OIDS.keyUsage, true, namedBits(keyUsage))] : []),
    ...(spec.extKeyUsage?.length ? [extension(OIDS.extKeyUsage, false, sequence(...spec.extKeyUsage.map((u) => oid(OIDS[u]))))] : []),
    extension(OIDS.basicConstraints, true, spec.ca ? sequence(boolean(true)) : sequence()),
    // Go's choice: a CA names its key; an issued certificate names its issuer's (a self-signed one needs no such pointer).
    ...(spec.ca ? [extension(OIDS.subjectKeyIdentifier, false, octetString(keyIdentifier(spec.publicKey)))] : []),
    ...(spec.issuer ? [extension(OIDS.authorityKeyIdentifier, false, sequence(implicitPrimitive(0, keyIdentifier(new X509Certificate(spec.issuer.certPem).publicKey))))] : []),
  ];
  const altNames = [...(spec.dnsNames ?? []).map((dns) => implicitPrimitive(2, Buffer.from(dns, 'ascii'))), ...(spec.ipAddresses ?? []).map((ip) => implicitPrimitive(7, ipBytes(ip)))];
  if (altNames.length) extensions.push(extension(OIDS.subjectAltName, false, sequence(...altNames)));
  const algorithm = signatureAlgorithm(spec.signingKey);
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    serialNumber(),
    algorithm,
    issuer,
    sequence(time(spec.notBefore), time(spec.notAfter)),
    subject,
    spkiDer(spec.publicKey),
    explicit(3, sequence(...extensions)),
  );
  // ECDSA signatures come as DER (r, s), which is what X.509 carries.
  const signature = sign('sha256', tbs, spec.signingKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}
