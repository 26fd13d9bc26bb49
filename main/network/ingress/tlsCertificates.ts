// The certificates the ingress controller's HTTPS listener presents: for a
// name an Ingress lists under spec.tls, the certificate of its
// kubernetes.io/tls Secret (tls.crt, tls.key); for any other name, or a
// Secret that is missing or unusable, a self-signed default certificate (as
// ingress-nginx presents its "Fake Certificate"), so a client that does not
// check sees the page and one that checks sees why it failed. The default
// certificate is kept with the cluster's keys and made again only when it is
// missing or near its end. Its key is ECDSA P-256, made in a millisecond: a
// 2048-bit RSA one took a thread's CPU during a new cluster's start.

import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { writeCertificate } from '../../cluster/x509/certificate.ts';
import { newEcKeyPair } from '../../apiserver/auth/ecKeyPair.ts';
import type { KubeClient } from '../../kube/client/types.ts';
import type { KubeObject } from '../../kube/meta.ts';
import { specOf } from './routes.ts';

const secretsRef = { group: '', version: 'v1', plural: 'secrets' };
/** How long a Secret's certificate is used before the Secret is read again. */
const CACHE_MS = 5_000;
export const DEFAULT_CERTIFICATE_NAME = 'PodLab Ingress Controller Fake Certificate';

export interface TlsSecretRef {
  namespace: string;
  name: string;
}

/** Whether an Ingress TLS host covers the name: equal, or `*.example.com` for exactly one more label. */
export function tlsHostMatches(pattern: string, serverName: string): boolean {
  const host = pattern.toLowerCase();
  const name = serverName.toLowerCase();
  if (!host.startsWith('*.')) return host === name;
  const dot = name.indexOf('.');
  return dot > 0 && name.slice(dot + 1) === host.slice(2);
}

/** The Secret for `serverName`: the oldest Ingress whose spec.tls lists the name wins. */
export function tlsSecretFor(ingresses: KubeObject[], serverName: string): TlsSecretRef | undefined {
  const byAge = [...ingresses].sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
  for (const ingress of byAge) {
    for (const entry of specOf(ingress).tls ?? []) {
      if (!entry.secretName) continue;
      if ((entry.hosts ?? []).some((h) => tlsHostMatches(h, serverName))) return { namespace: ingress.metadata.namespace ?? '', name: entry.secretName };
    }
  }
  return undefined;
}

export function selfSignedCertificate(commonName: string, dnsNames: string[] = []): { cert: string; key: string } {
  const keys = newEcKeyPair();
  const cert = writeCertificate({
    subject: { organizations: ['PodLab'], commonName },
    publicKey: createPublicKey(keys.publicKeyPem),
    signingKey: createPrivateKey(keys.privateKeyPem),
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    extKeyUsage: ['serverAuth'],
    dnsNames,
  });
  return { cert, key: keys.privateKeyPem };
}

const DEFAULT_CERTIFICATE_FILES = { cert: 'ingress-default.crt', key: 'ingress-default.key' };
/** A kept default certificate this close to its end is made again. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;

/** The default certificate kept in `dir`, when both files are there and it is not near its end. */
function keptCertificate(dir: string): { cert: string; key: string } | undefined {
  try {
    const kept = { cert: readFileSync(join(dir, DEFAULT_CERTIFICATE_FILES.cert), 'utf8'), key: readFileSync(join(dir, DEFAULT_CERTIFICATE_FILES.key), 'utf8') };
    return Date.parse(new X509Certificate(kept.cert).validTo) - Date.now() < RENEW_BEFORE_MS ? undefined : kept;
  } catch {
    // Missing or unreadable: made again.
    return undefined;
  }
}

/** Whether `dir` lacks a usable default certificate (a start then makes one). */
export function defaultCertificateMissing(dir: string): boolean {
  return keptCertificate(dir) === undefined;
}

/** The default certificate kept in `dir` (made there when missing or near its end); without a directory, one made now. */
export function loadOrCreateDefaultCertificate(dir: string | undefined): { cert: string; key: string } {
  if (!dir) return selfSignedCertificate(DEFAULT_CERTIFICATE_NAME);
  const kept = keptCertificate(dir);
  if (kept) return kept;
  const made = selfSignedCertificate(DEFAULT_CERTIFICATE_NAME);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, DEFAULT_CERTIFICATE_FILES.key), made.key, { mode: 0o600 });
  writeFileSync(join(dir, DEFAULT_CERTIFICATE_FILES.cert), made.cert);
  return made;
}

export class IngressCertificates {
  readonly fallback: { cert: string; key: string };
  private readonly fallbackContext: SecureContext;
  private readonly cache = new Map<string, { at: number; context: SecureContext | undefined; problem?: string }>();

  /** `certificateDir`: where the default certificate is kept (the cluster's pki directory). */
  constructor(
    private readonly client: KubeClient,
    certificateDir?: string,
  ) {
    this.fallback = loadOrCreateDefaultCertificate(certificateDir);
    this.fallbackContext = createSecureContext(this.fallback);
  }

  /** The context for a TLS handshake naming `serverName`; `onProblem` hears why a listed Secret could not be used. */
  async contextFor(ingresses: KubeObject[], serverName: string, onProblem: (ref: TlsSecretRef, problem: string) => void): Promise<SecureContext> {
    const ref = tlsSecretFor(ingresses, serverName);
    if (!ref) return this.fallbackContext;
    const key = `${ref.namespace}/${ref.name}`;
    let entry = this.cache.get(key);
    if (!entry || Date.now() - entry.at > CACHE_MS) {
      entry = await this.load(ref);
      this.cache.set(key, entry);
    }
    if (entry.problem) onProblem(ref, entry.problem);
    return entry.context ?? this.fallbackContext;
  }

  private async load(ref: TlsSecretRef): Promise<{ at: number; context: SecureContext | undefined; problem?: string }> {
    const at = Date.now();
    let secret: KubeObject & { type?: string; data?: Record<string, string> };
    try {
      secret = await this.client.resource(secretsRef).get(ref.namespace, ref.name);
    } catch (error) {
      return { at, context: undefined, problem: `Secret "${ref.namespace}/${ref.name}" not found: ${(error as Error).message}` };
    }
    const cert = secret.data?.['tls.crt'];
    const key = secret.data?.['tls.key'];
    if (!cert || !key) return { at, context: undefined, problem: `Secret "${ref.namespace}/${ref.name}" has no tls.crt and tls.key` };
    try {
      return { at, context: createSecureContext({ cert: Buffer.from(cert, 'base64'), key: Buffer.from(key, 'base64') }) };
    } catch (error) {
      return { at, context: undefined, problem: `Secret "${ref.namespace}/${ref.name}" holds no usable certificate and key: ${(error as Error).message}` };
    }
  }
}
