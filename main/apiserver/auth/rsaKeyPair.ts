// A 2048-bit RSA key pair in PEM (PKCS#8 private, SPKI public), from Node's
// native crypto: what a certificate authority made RSA (a cluster from before
// its keys were ECDSA) issues its certificates for.

import { generateKeyPairSync } from 'node:crypto';
import type { PemKeyPair } from './ecKeyPair.ts';

export type RsaKeyPair = PemKeyPair;

export function newRsaKeyPair(): RsaKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}
