// Service account tokens: the JWT kube-apiserver issues (claims, RS256 or
// ES256 by the key's kind, with a key id) and the checks before one is believed: signature, expiry, issuer,
// audience, and the service account (and bound pod) still there with the
// same uid.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sign } from 'node:crypto';
import { keyIdOf } from '../../main/apiserver/auth/jwt.ts';
import { newEcKeyPair } from '../../main/apiserver/auth/ecKeyPair.ts';
import { newRsaKeyPair } from '../../main/apiserver/auth/rsaKeyPair.ts';
import { kubernetesIssuer, ServiceAccountTokens, TokenInvalidError, type TokenObjectGetter } from '../../main/apiserver/auth/serviceAccountTokens.ts';
import type { KubeObject } from '../../main/kube/meta.ts';

const key = newRsaKeyPair();
const otherKey = newRsaKeyPair();
const sa: KubeObject = { metadata: { name: 'api', namespace: 'shop', uid: 'sa-1' } };
const pod: KubeObject = { metadata: { name: 'web-1', namespace: 'shop', uid: 'pod-1' } };
const issuedAt = new Date('2025-03-01T10:00:00Z');

function objects(serviceAccount: KubeObject | undefined = sa, boundPod: KubeObject | undefined = pod): TokenObjectGetter {
  return {
    serviceAccount: async (ns, name) => (serviceAccount && serviceAccount.metadata.namespace === ns && serviceAccount.metadata.name === name ? serviceAccount : undefined),
    pod: async (ns, name) => (boundPod && boundPod.metadata.namespace === ns && boundPod.metadata.name === name ? boundPod : undefined),
  };
}

function segments(token: string): [Record<string, unknown>, Record<string, unknown>] {
  const [header, payload] = token.split('.');
  return [JSON.parse(Buffer.from(header!, 'base64url').toString()), JSON.parse(Buffer.from(payload!, 'base64url').toString())];
}

const subject = { namespace: 'shop', serviceAccount: { name: 'api', uid: 'sa-1' }, pod: { name: 'web-1', uid: 'pod-1' }, node: { name: 'node-1', uid: 'node-uid' }, audiences: [kubernetesIssuer], expirationSeconds: 3607 };

describe('service account tokens', () => {
  it('carry the claims kube-apiserver puts in, signed RS256 under the key id', async () => {
    const { token } = await new ServiceAccountTokens(key, objects(), () => issuedAt).issue(subject);
    const [header, claims] = segments(token);
    assert.deepEqual(header, { alg: 'RS256', kid: keyIdOf(key.publicKeyPem) });
    const iat = issuedAt.getTime() / 1000;
    assert.deepEqual(Object.keys(claims), ['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
    assert.deepEqual({ ...claims, jti: 'x' }, {
      aud: ['https://kubernetes.default.svc.cluster.local'],
      exp: iat + 3607,
      iat,
      iss: 'https://kubernetes.default.svc.cluster.local',
      jti: 'x',
      'kubernetes.io': { namespace: 'shop', node: { name: 'node-1', uid: 'node-uid' }, pod: { name: 'web-1', uid: 'pod-1' }, serviceaccount: { name: 'api', uid: 'sa-1' } },
      nbf: iat,
      sub: 'system:serviceaccount:shop:api',
    });
    assert.match(String(claims.jti), /^[0-9a-f-]{36}$/);
  });

  it('authenticate as the service account, with the bound pod in the extra attributes', async () => {
    const tokens = new ServiceAccountTokens(key, objects(), () => issuedAt);
    const { token, claims } = await tokens.issue(subject);
    assert.deepEqual(await tokens.authenticateToken(token), {
      name: 'system:serviceaccount:shop:api',
      uid: 'sa-1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:shop', 'system:authenticated'],
      extra: {
        'authentication.kubernetes.io/pod-name': ['web-1'],
        'authentication.kubernetes.io/pod-uid': ['pod-1'],
        'authentication.kubernetes.io/node-name': ['node-1'],
        'authentication.kubernetes.io/node-uid': ['node-uid'],
        'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`],
      },
    });
  });

  it('expire, a minute of clock skew allowed', async () => {
    let now = issuedAt;
    const tokens = new ServiceAccountTokens(key, objects(), () => now);
    const { token } = await tokens.issue({ ...subject, expirationSeconds: 600 });
    now = new Date(issuedAt.getTime() + 650_000);
    assert.ok(await tokens.authenticateToken(token));
    now = new Date(issuedAt.getTime() + 661_000);
    await assert.rejects(tokens.authenticateToken(token), new TokenInvalidError('service account token has expired'));
  });

  it('signed with another key are refused; other issuers are not ours to judge', async () => {
    const forged = (await new ServiceAccountTokens(otherKey, objects(), () => issuedAt).issue(subject)).token;
    await assert.rejects(new ServiceAccountTokens(key, objects(), () => issuedAt).authenticateToken(forged), /invalid signature/);
    const elsewhere = (await new ServiceAccountTokens(key, objects(), () => issuedAt, 'https://issuer.example').issue(subject)).token;
    assert.equal(await new ServiceAccountTokens(key, objects(), () => issuedAt).authenticateToken(elsewhere), undefined);
    assert.equal(await new ServiceAccountTokens(key, objects(), () => issuedAt).authenticateToken('not-a-jwt'), undefined);
  });

  it('die with their service account, or its replacement, and with the pod they are bound to', async () => {
    const token = (await new ServiceAccountTokens(key, objects(), () => issuedAt).issue(subject)).token;
    await assert.rejects(new ServiceAccountTokens(key, objects(null as never), () => issuedAt).authenticateToken(token), /serviceaccounts "api" not found/);
    const recreated = { metadata: { ...sa.metadata, uid: 'sa-2' } };
    await assert.rejects(new ServiceAccountTokens(key, objects(recreated), () => issuedAt).authenticateToken(token), /service account UID \(sa-2\) does not match claim \(sa-1\)/);
    await assert.rejects(new ServiceAccountTokens(key, objects(sa, null as never), () => issuedAt).authenticateToken(token), /service account token has been invalidated/);
    const unbound = (await new ServiceAccountTokens(key, objects(sa, null as never), () => issuedAt).issue({ ...subject, pod: undefined, node: undefined })).token;
    assert.ok(await new ServiceAccountTokens(key, objects(sa, null as never), () => issuedAt).authenticateToken(unbound));
  });

  it('are checked against the API audiences', async () => {
    const tokens = new ServiceAccountTokens(key, objects(), () => issuedAt);
    const { token } = await tokens.issue({ ...subject, audiences: ['vault'] });
    await assert.rejects(tokens.authenticateToken(token), /token audiences \["vault"\] is invalid for the target audiences \["https:\/\/kubernetes.default.svc.cluster.local"\]/);
  });

  it('are ES256 from a P-256 key (a new cluster’s), r||s in 64 bytes, and check out', async () => {
    const ecKey = newEcKeyPair();
    const tokens = new ServiceAccountTokens(ecKey, objects(), () => issuedAt);
    const { token } = await tokens.issue(subject);
    assert.deepEqual(segments(token)[0], { alg: 'ES256', kid: keyIdOf(ecKey.publicKeyPem) });
    assert.equal(Buffer.from(token.split('.')[2]!, 'base64url').length, 64);
    assert.equal((await tokens.authenticateToken(token))?.name, 'system:serviceaccount:shop:api');
    await assert.rejects(new ServiceAccountTokens(newEcKeyPair(), objects(), () => issuedAt).authenticateToken(token), /invalid signature/);
  });

  it('are checked only with a key of the algorithm their header names', async () => {
    // An RS256 header over an ES256 signature, and the other way round: neither is tried with the wrong kind of key.
    const ecKey = newEcKeyPair();
    const ecToken = (await new ServiceAccountTokens(ecKey, objects(), () => issuedAt).issue(subject)).token;
    const [, payload, signature] = ecToken.split('.');
    const relabeled = `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'x' })).toString('base64url')}.${payload}.${signature}`;
    await assert.rejects(new ServiceAccountTokens(ecKey, objects(), () => issuedAt).authenticateToken(relabeled), /invalid signature/);
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    await assert.rejects(new ServiceAccountTokens(ecKey, objects(), () => issuedAt).authenticateToken(none), /unsupported signing algorithm none/);
    // A DER-encoded ECDSA signature is not what ES256 carries.
    const input = Buffer.from(`${ecToken.split('.')[0]}.${payload}`);
    const der = sign('sha256', input, ecKey.privateKeyPem).toString('base64url');
    await assert.rejects(new ServiceAccountTokens(ecKey, objects(), () => issuedAt).authenticateToken(`${ecToken.split('.')[0]}.${payload}.${der}`), /invalid signature/);
  });
});
