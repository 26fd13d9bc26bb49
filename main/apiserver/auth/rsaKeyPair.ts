// A 2048-bit RSA key pair in PEM (PKCS#8 private, SPKI public), from Node's
// native crypto: the cluster CA's, the serving certificate's and the service
// account signing key all come from here. A new cluster needs three at once:
// `prepareRsaKeyPairs` makes them side by side on libuv's threads while the
// start does other things, and `newRsaKeyPair` takes one of those first.

import { generateKeyPair, generateKeyPairSync } from 'node:crypto';

export interface RsaKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

const options = {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
} as const;

/** Fresh keys made ahead of need; each is handed out once. */
const prepared: RsaKeyPair[] = [];

export function newRsaKeyPair(): RsaKeyPair {
  const ready = prepared.shift();
  if (ready) return ready;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', options);
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** Makes `count` key pairs in parallel for the next `newRsaKeyPair` calls; resolves once they are ready. */
export async function prepareRsaKeyPairs(count: number): Promise<void> {
  const made = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<RsaKeyPair>((resolve, reject) =>
          generateKeyPair('rsa', options, (err, publicKey, privateKey) => (err ? reject(err) : resolve({ privateKeyPem: privateKey, publicKeyPem: publicKey }))),
        ),
    ),
  );
  prepared.push(...made);
}
