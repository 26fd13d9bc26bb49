// A certificate authority, the API server's serving certificate and the
// service account signing key, made once per cluster and kept in its data
// directory (as kubeadm keeps /etc/kubernetes/pki: ca.crt, apiserver.crt,
// sa.key, sa.pub), so kubeconfigs and issued tokens stay valid across
// restarts. A new cluster's keys are ECDSA P-256 (as k3s makes them, and
// kubeadm with ECDSA-P256): each takes a millisecond, where three 2048-bit
// RSA keys took half a second of a 2-core machine's start. A cluster made
// with RSA keys keeps them: what its CA issues gets a key of the same kind.

import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { writeCertificate, type CertificateSpec } from './x509/certificate.ts';
import { newEcKeyPair, type PemKeyPair } from '../apiserver/auth/ecKeyPair.ts';
import { newRsaKeyPair } from '../apiserver/auth/rsaKeyPair.ts';

export interface ClusterPki {
  caCert: string;
  serverCert: string;
  serverKey: string;
  /** Signs service account tokens (kube-apiserver's --service-account-signing-key-file). */
  serviceAccountKey: PemKeyPair;
}

const validityYears = 10;
const yearMs = 365 * 24 * 3600 * 1000;

export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

/** A key for a certificate this CA signs: of the CA's own kind, so an RSA cluster stays all RSA. */
function keyPairLike(ca: CertificateAuthority): PemKeyPair {
  return createPrivateKey(ca.keyPem).asymmetricKeyType === 'rsa' ? newRsaKeyPair() : newEcKeyPair();
}

/** A certificate the CA signs for `keys`, valid from a minute ago (clocks differ) for `validityMs`. */
function issue(ca: CertificateAuthority, keys: PemKeyPair, spec: Omit<CertificateSpec, 'publicKey' | 'signingKey' | 'issuer' | 'notBefore' | 'notAfter'>, validityMs: number, now = Date.now()): string {
  return writeCertificate({
    ...spec,
    publicKey: createPublicKey(keys.publicKeyPem),
    signingKey: createPrivateKey(ca.keyPem),
    issuer: { certPem: ca.certPem },
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + validityMs),
  });
}

function createCa(clusterName: string): CertificateAuthority {
  const keys = newEcKeyPair();
  const now = Date.now();
  const certPem = writeCertificate({
    subject: { commonName: `podlab-${clusterName}-ca` },
    publicKey: createPublicKey(keys.publicKeyPem),
    signingKey: createPrivateKey(keys.privateKeyPem),
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + validityYears * yearMs),
    ca: true,
  });
  return { certPem, keyPem: keys.privateKeyPem };
}

function createServerCert(ca: CertificateAuthority, ipAddresses: string[], dnsNames: string[]): { certPem: string; keyPem: string } {
  const keys = keyPairLike(ca);
  const certPem = issue(ca, keys, { subject: { commonName: 'kube-apiserver' }, extKeyUsage: ['serverAuth'], dnsNames, ipAddresses }, validityYears * yearMs);
  return { certPem, keyPem: keys.privateKeyPem };
}

export interface ClientCertificateRequest {
  /** The user: the certificate's common name. */
  user: string;
  /** The groups: one organization each. */
  groups: string[];
  validityMs: number;
}

/** The cluster's CA and its key, which sign what the cluster issues (kube-controller-manager's --cluster-signing-cert-file and -key-file). */
export function loadSigningCa(dataDir: string): CertificateAuthority {
  const dir = join(dataDir, 'pki');
  const caKeyPath = join(dir, 'ca.key');
  if (!existsSync(caKeyPath)) throw new Error(`the cluster has no CA yet (${caKeyPath}): start it once with podlab serve`);
  return { certPem: readFileSync(join(dir, 'ca.crt'), 'utf8'), keyPem: readFileSync(caKeyPath, 'utf8') };
}

/**
 * A client certificate for a user, signed by the cluster's CA (which the API
 * server trusts for client certificates, as kube-apiserver's --client-ca-file),
 * as `kubeadm kubeconfig user` issues one. Needs the cluster's pki directory.
 */
export function issueClientCertificate(dataDir: string, request: ClientCertificateRequest, now = Date.now()): { certPem: string; keyPem: string } {
  const ca = loadSigningCa(dataDir);
  const keys = keyPairLike(ca);
  const certPem = issue(ca, keys, { subject: { organizations: request.groups, commonName: request.user }, extKeyUsage: ['clientAuth'] }, request.validityMs, now);
  return { certPem, keyPem: keys.privateKeyPem };
}

/** The names the API server answers to: loopback, and the in-cluster `kubernetes` Service names. */
export function apiServerNames(clusterDomain = 'cluster.local'): { dnsNames: string[]; ipAddresses: string[] } {
  return {
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${clusterDomain}`, 'host.docker.internal'],
    ipAddresses: ['127.0.0.1'],
  };
}

/** Whether a serving certificate names every one of these IP addresses. */
function coversIps(certPem: string, ips: string[]): boolean {
  // Node prints them `DNS:localhost, IP Address:127.0.0.1`.
  const named = new Set((new X509Certificate(certPem).subjectAltName ?? '').split(', ').filter((n) => n.startsWith('IP Address:')).map((n) => n.slice('IP Address:'.length)));
  return ips.every((ip) => named.has(ip));
}

/** sa.key / sa.pub: the service account signing key, made on first start. */
function loadOrCreateServiceAccountKey(dir: string): PemKeyPair {
  const paths = { privateKey: join(dir, 'sa.key'), publicKey: join(dir, 'sa.pub') };
  if (existsSync(paths.privateKey) && existsSync(paths.publicKey)) {
    return { privateKeyPem: readFileSync(paths.privateKey, 'utf8'), publicKeyPem: readFileSync(paths.publicKey, 'utf8') };
  }
  // ES256 tokens, as kube-apiserver signs with a P-256 key; a cluster made with an RSA key keeps it (RS256).
  const key = newEcKeyPair();
  writeFileSync(paths.privateKey, key.privateKeyPem, { mode: 0o600 });
  writeFileSync(paths.publicKey, key.publicKeyPem, { mode: 0o644 });
  return key;
}

/**
 * Loads the cluster's CA and serving certificate from `<dataDir>/pki`, creating
 * them on first start. `extraIps` (the `kubernetes` Service's ClusterIP, so
 * in-cluster clients can verify the server) must be in the serving certificate:
 * one made before they were known is re-issued by the same CA, so kubeconfigs
 * (which trust the CA) stay valid.
 */
export function loadOrCreatePki(dataDir: string, clusterName: string, extraIps: string[] = []): ClusterPki {
  const dir = join(dataDir, 'pki');
  const paths = { caCert: join(dir, 'ca.crt'), caKey: join(dir, 'ca.key'), serverCert: join(dir, 'apiserver.crt'), serverKey: join(dir, 'apiserver.key') };
  const names = apiServerNames();
  const ips = [...names.ipAddresses, ...extraIps];
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let ca: CertificateAuthority;
  if (existsSync(paths.caCert) && existsSync(paths.caKey)) {
    if (existsSync(paths.serverCert) && existsSync(paths.serverKey) && coversIps(readFileSync(paths.serverCert, 'utf8'), ips)) {
      return { caCert: readFileSync(paths.caCert, 'utf8'), serverCert: readFileSync(paths.serverCert, 'utf8'), serverKey: readFileSync(paths.serverKey, 'utf8'), serviceAccountKey: loadOrCreateServiceAccountKey(dir) };
    }
    ca = { certPem: readFileSync(paths.caCert, 'utf8'), keyPem: readFileSync(paths.caKey, 'utf8') };
  } else {
    ca = createCa(clusterName);
    writeFileSync(paths.caKey, ca.keyPem, { mode: 0o600 });
    writeFileSync(paths.caCert, ca.certPem, { mode: 0o644 });
  }
  const server = createServerCert(ca, ips, names.dnsNames);
  writeFileSync(paths.serverKey, server.keyPem, { mode: 0o600 });
  writeFileSync(paths.serverCert, server.certPem, { mode: 0o644 });
  return { caCert: readFileSync(paths.caCert, 'utf8'), serverCert: server.certPem, serverKey: server.keyPem, serviceAccountKey: loadOrCreateServiceAccountKey(dir) };
}
