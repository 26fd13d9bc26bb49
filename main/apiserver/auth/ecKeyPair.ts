// An ECDSA P-256 key pair in PEM (PKCS#8 private, SPKI public), from Node's
// native crypto: a new cluster's CA, serving certificate and service account
// signing key. Making one takes about a millisecond, where a 2048-bit RSA key
// took a hundred or more on a thread of its own.

import { generateKeyPairSync } from 'node:crypto';

export interface PemKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

export function newEcKeyPair(): PemKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}
