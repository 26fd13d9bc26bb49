// X.509 client certificates (kube-apiserver's --client-ca-file): a client
// whose certificate the cluster's CA signed is the user its subject names,
// the common name as the user and each organization as a group, as kind's
// and kubeadm's kubeconfigs authenticate. Node's TLS layer has already
// checked the chain and the validity dates; an unverified certificate
// authenticates no one (the request may still carry a token).

import type { TLSSocket } from 'node:tls';
import type { Socket } from 'node:net';
import type { UserInfo } from './user.ts';

export function userFromClientCertificate(socket: Socket | TLSSocket): UserInfo | undefined {
  const tls = socket as TLSSocket;
  if (typeof tls.getPeerCertificate !== 'function' || !tls.authorized) return undefined;
  const subject = tls.getPeerCertificate()?.subject as { CN?: string | string[]; O?: string | string[] } | undefined;
  const commonName = Array.isArray(subject?.CN) ? subject.CN[0] : subject?.CN;
  if (!commonName) return undefined;
  const organizations = subject?.O === undefined ? [] : Array.isArray(subject.O) ? subject.O : [subject.O];
  return { name: commonName, groups: organizations };
}
