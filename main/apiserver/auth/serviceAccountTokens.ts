// Service account tokens as kube-apiserver issues and checks them
// (pkg/serviceaccount): ES256 or RS256 JWTs from the cluster's signing key, with the
// issuer and audience `https://kubernetes.default.svc.cluster.local`, subject
// `system:serviceaccount:NS:NAME`, and a `kubernetes.io` claim naming the
// service account and the pod (and its node) the token is bound to. A token
// is good while it has not expired and while the service account, and the
// pod it is bound to, still exist with the uids it names.

import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import type { KubeObject } from '../../kube/meta.ts';
import { keyIdOf, peekJwtPayload, signJwt, verifyJwt } from './jwt.ts';
import type { PemKeyPair } from './ecKeyPair.ts';
import { serviceAccountUserInfo, serviceAccountUsername, type ServiceAccountInfo } from './serviceAccountUser.ts';
import type { UserInfo } from './user.ts';

export const kubernetesIssuer = 'https://kubernetes.default.svc.cluster.local';

/** go-jose's jwt.DefaultLeeway: clocks may disagree by a minute. */
const leewaySeconds = 60;

export interface ObjectRef {
  name: string;
  uid: string;
}

export interface KubernetesClaim {
  namespace: string;
  node?: ObjectRef;
  pod?: ObjectRef;
  serviceaccount: ObjectRef;
}

export interface ServiceAccountClaims {
  aud: string[];
  exp: number;
  iat: number;
  iss: string;
  jti: string;
  'kubernetes.io': KubernetesClaim;
  nbf: number;
  sub: string;
}

export interface TokenRequestSubject {
  namespace: string;
  serviceAccount: ObjectRef;
  pod?: ObjectRef;
  node?: ObjectRef;
  audiences: string[];
  expirationSeconds: number;
}

/** Reads the objects a token names, without authorization (kube-apiserver's own lookups). */
export interface TokenObjectGetter {
  serviceAccount(namespace: string, name: string): Promise<KubeObject | undefined>;
  pod(namespace: string, name: string): Promise<KubeObject | undefined>;
}

export class TokenInvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenInvalidError';
  }
}

/** ECDSA P-256 (ES256 tokens) or RSA (RS256). */
export type SigningKey = PemKeyPair;

export class ServiceAccountTokens {
  readonly issuer: string;
  /** The API server's audiences (--api-audiences, by default the issuer). */
  readonly audiences: string[];
  private readonly publicKeys: KeyObject[];
  private readonly kid: string;

  constructor(
    private readonly key: SigningKey,
    private readonly objects: TokenObjectGetter,
    private readonly now: () => Date = () => new Date(),
    issuer = kubernetesIssuer,
  ) {
    this.issuer = issuer;
    this.audiences = [issuer];
    this.publicKeys = [createPublicKey(key.publicKeyPem)];
    this.kid = keyIdOf(this.publicKeys[0]!);
  }

  /** token.Claims + GenerateToken. */
  async issue(subject: TokenRequestSubject): Promise<{ token: string; claims: ServiceAccountClaims }> {
    const iat = Math.floor(this.now().getTime() / 1000);
    const kubernetes: KubernetesClaim = { namespace: subject.namespace, serviceaccount: subject.serviceAccount };
    if (subject.node) kubernetes.node = subject.node;
    if (subject.pod) kubernetes.pod = subject.pod;
    // Keys in sorted order, as go-jose marshals the merged claims.
    const claims: ServiceAccountClaims = {
      aud: subject.audiences,
      exp: iat + subject.expirationSeconds,
      iat,
      iss: this.issuer,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: kubernetes.namespace,
        ...(kubernetes.node ? { node: kubernetes.node } : {}),
        ...(kubernetes.pod ? { pod: kubernetes.pod } : {}),
        serviceaccount: kubernetes.serviceaccount,
      },
      nbf: iat,
      sub: serviceAccountUsername(subject.namespace, subject.serviceAccount.name),
    };
    return { token: await signJwt(claims, this.key.privateKeyPem, this.kid), claims };
  }

  /** The user a token stands for; undefined when it is not a token of this issuer; TokenInvalidError when it is but does not hold. */
  async authenticateToken(token: string, audiences = this.audiences): Promise<UserInfo | undefined> {
    const peeked = peekJwtPayload(token);
    if (!peeked || peeked.iss !== this.issuer) return undefined;
    let payload: Record<string, unknown>;
    try {
      payload = verifyJwt(token, this.publicKeys);
    } catch (err) {
      throw new TokenInvalidError((err as Error).message);
    }
    return serviceAccountUserInfo(await this.validate(payload as unknown as ServiceAccountClaims, audiences));
  }

  private async validate(claims: ServiceAccountClaims, targetAudiences: string[]): Promise<ServiceAccountInfo> {
    const now = this.now().getTime() / 1000;
    if (typeof claims.nbf === 'number' && now + leewaySeconds < claims.nbf) throw new TokenInvalidError('service account token is not valid yet');
    if (typeof claims.exp !== 'number' || now - leewaySeconds > claims.exp) throw new TokenInvalidError('service account token has expired');
    const audiences = Array.isArray(claims.aud) ? claims.aud : typeof claims.aud === 'string' ? [claims.aud] : [];
    if (!audiences.some((a) => targetAudiences.includes(a))) {
      throw new TokenInvalidError(`token audiences ${JSON.stringify(audiences)} is invalid for the target audiences ${JSON.stringify(targetAudiences)}`);
    }
    const private_ = claims['kubernetes.io'];
    if (!private_?.namespace || !private_.serviceaccount?.name) throw new TokenInvalidError('service account token claims could not be validated due to unexpected private claim');
    const { namespace, serviceaccount: saRef, pod: podRef, node: nodeRef } = private_;
    // Anything deleted more than the leeway ago no longer backs a token.
    const deletedTooLongAgo = (obj: KubeObject) => obj.metadata.deletionTimestamp !== undefined && Date.parse(obj.metadata.deletionTimestamp) / 1000 < now - leewaySeconds;
    const sa = await this.objects.serviceAccount(namespace, saRef.name);
    if (!sa) throw new TokenInvalidError(`serviceaccounts "${saRef.name}" not found`);
    if (deletedTooLongAgo(sa)) throw new TokenInvalidError(`service account ${namespace}/${saRef.name} has been deleted`);
    if (sa.metadata.uid !== saRef.uid) throw new TokenInvalidError(`service account UID (${sa.metadata.uid}) does not match claim (${saRef.uid})`);
    const info: ServiceAccountInfo = { namespace, name: saRef.name, uid: saRef.uid, ...(typeof claims.jti === 'string' ? { credentialId: `JTI=${claims.jti}` } : {}) };
    if (podRef) {
      const pod = await this.objects.pod(namespace, podRef.name);
      if (!pod || deletedTooLongAgo(pod)) throw new TokenInvalidError('service account token has been invalidated');
      if (pod.metadata.uid !== podRef.uid) throw new TokenInvalidError(`pod UID (${pod.metadata.uid}) does not match service account pod ref claim (${podRef.uid})`);
      info.podName = podRef.name;
      info.podUid = podRef.uid;
      if (nodeRef) {
        info.nodeName = nodeRef.name;
        info.nodeUid = nodeRef.uid;
      }
    }
    return info;
  }
}
