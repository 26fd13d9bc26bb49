// A 2048-bit RSA key pair in PEM (PKCS#8 private, SPKI public), from Node's
// native crypto: the cluster CA's, the serving certificate's and the service
// account signing key all come from here.

import { generateKeyPairSync } from 'node:crypto';

export interface RsaKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

export function newRsaKeyPair(): RsaKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}
