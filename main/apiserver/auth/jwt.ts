// Compact JWS the way kube-apiserver signs service account tokens (go-jose):
// header {"alg":"RS256"|"ES256","kid":...}, the algorithm following the key
// (RSA: RS256; ECDSA P-256: ES256, its signature r||s of 32 bytes each, RFC
// 7518 3.4), the key id being the unpadded base64url SHA-256 of the public
// key's DER (keyIDFromPublicKey).

import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export class JwtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwtError';
  }
}

function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('malformed token');
  }
}

export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('base64url');
}

type Algorithm = 'RS256' | 'ES256';

/** The JWS algorithm a key signs with; undefined for a key neither takes (a token naming one is refused, not checked with another kind of key). */
function algorithmOf(key: KeyObject): Algorithm | undefined {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return undefined;
}

/** ES256 signatures are r||s, not the DER X.509 carries. */
const signatureEncoding = (alg: Algorithm) => (alg === 'ES256' ? ({ dsaEncoding: 'ieee-p1363' } as const) : {});

/**
 * The signing keys, parsed, with their algorithm, by PEM: parsing the PEM at
 * each signature tripled its cost (a token per pod).
 */
const signingKeys = new Map<string, { alg: Algorithm; key: KeyObject }>();

function signingKeyOf(pem: string): { alg: Algorithm; key: KeyObject } {
  let entry = signingKeys.get(pem);
  if (!entry) {
    const key = createPrivateKey(pem);
    const alg = algorithmOf(key);
    if (!alg) throw new JwtError(`no JWS algorithm for a ${String(key.asymmetricKeyType)} key`);
    entry = { alg, key };
    // One key per cluster; a process that made many (tests) starts over rather than keeping them all.
    if (signingKeys.size >= 16) signingKeys.clear();
    signingKeys.set(pem, entry);
  }
  return entry;
}

/**
 * A signed token (a pod's projected volume asks for one), signed on libuv's
 * threads. In a microbenchmark an ES256 signature in line costs the event
 * loop 32-42 µs of CPU, against 10-15 µs to hand it over and take its answer
 * back when a few are in flight. In the 10,000-pod run it saved about 1 s of
 * the event loop's CPU, but not wall time: the call itself holds the event
 * loop ~80 µs there (two busy cores, the woken signing thread takes one).
 */
export async function signJwt(payload: object, privateKeyPem: string, kid: string): Promise<string> {
  const { alg, key } = signingKeyOf(privateKeyPem);
  const signingInput = `${encodeSegment({ alg, kid })}.${encodeSegment(payload)}`;
  const signature = await new Promise<Buffer>((resolve, reject) => {
    sign('sha256', Buffer.from(signingInput), { key, ...signatureEncoding(alg) }, (err, signed) => (err ? reject(err) : resolve(signed)));
  });
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** The payload of a compact JWS, unverified: only to tell whether a token is ours to check. */
export function peekJwtPayload(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload = decodeSegment(parts[1]!);
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The payload, once the signature checks out against one of the keys of the algorithm the header names. */
export function verifyJwt(token: string, publicKeys: KeyObject[]): Record<string, unknown> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed token');
  const header = decodeSegment(parts[0]!) as { alg?: string };
  const alg = header.alg;
  if (alg !== 'RS256' && alg !== 'ES256') throw new JwtError(`unsupported signing algorithm ${String(alg)}`);
  const signingInput = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2]!, 'base64url');
  const candidates = publicKeys.filter((key) => algorithmOf(key) === alg);
  if (!candidates.some((key) => verify('sha256', signingInput, { key, ...signatureEncoding(alg) }, signature))) throw new JwtError('invalid signature');
  const payload = decodeSegment(parts[1]!);
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw new JwtError('malformed token');
  return payload as Record<string, unknown>;
}
