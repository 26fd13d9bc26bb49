// PKCS#10 certificate requests made in tests without openssl: CN and O as
// given, signed with an ECDSA P-256 key (SHA-256); `tamper` spoils the
// signature.

import { sign, type KeyObject } from 'node:crypto';
import { bitString, explicit, oid, sequence, set, smallInteger, utf8String } from '../../main/cluster/x509/der.ts';

export function certificateRequestPem(cn: string, orgs: string[], key: { privateKey: KeyObject; publicKey: KeyObject }, tamper = false): string {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  const subject = sequence(...orgs.map((o) => rdn('2.5.4.10', o)), rdn('2.5.4.3', cn));
  const info = sequence(smallInteger(0), subject, key.publicKey.export({ format: 'der', type: 'spki' }), explicit(0, Buffer.alloc(0)));
  const signature = sign('sha256', info, key.privateKey);
  if (tamper) signature[signature.length - 1]! ^= 1;
  const der = sequence(info, sequence(oid('1.2.840.10045.4.3.2')), bitString(signature));
  return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE REQUEST-----\n`;
}
