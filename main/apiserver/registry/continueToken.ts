// List continuation tokens, as Kubernetes encodes them: base64 of
// {"v":"meta.k8s.io/v1","rv":REVISION,"start":KEY}. The key is stored relative
// to the list's prefix so a token cannot be replayed against another resource.

import { errors } from '../errors.ts';

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

export function encodeContinue(revision: number, startKey: string, prefix: string): string {
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv: revision, start: startKey.slice(prefix.length) };
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodeContinue(value: string, prefix: string): { revision: number; startKey: string } {
  let token: ContinueToken;
  try {
    token = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as ContinueToken;
  } catch {
    throw errors.badRequest('continue key is not valid: illegal base64 data');
  }
  if (token?.v !== 'meta.k8s.io/v1' || !Number.isInteger(token.rv) || token.rv <= 0 || typeof token.start !== 'string' || token.start.includes('..')) {
    throw errors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
  return { revision: token.rv, startKey: prefix + token.start };
}
