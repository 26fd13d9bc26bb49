// kube-controller-manager's csrsigning controller: an approved
// CertificateSigningRequest for one of the signers it runs gets its
// certificate, signed by the cluster's CA (--cluster-signing-cert-file),
// written to status.certificate. As kube's signers:
//  - kubernetes.io/kube-apiserver-client: any subject; usages "client auth",
//    and optionally "digital signature" and "key encipherment";
//  - kubernetes.io/kube-apiserver-client-kubelet: a node's client certificate
//    (CN system:node:NAME, O system:nodes), the same usages;
// other signers are left to whoever runs them. A request its signer cannot
// honour gets a Failed condition (SignerValidationFailure) instead. The
// certificate's subject is the request's own; it is valid from five minutes
// ago (clock skew) for the requested expirationSeconds, at most the signing
// duration (a year) and never past the CA's own end.

import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { SharedInformer } from '../../kube/client/sharedInformer.ts';
import type { ResourceClient } from '../../kube/client/types.ts';
import { kubeTimestamp } from '../../kube/time.ts';
import { parseCertificateRequest } from '../../cluster/x509/certificateRequest.ts';
import { writeCertificate } from '../../cluster/x509/certificate.ts';
import type { CertificateAuthority } from '../../cluster/pki.ts';
import { requestPem, type CertificateSigningRequest } from '../../apiserver/resources/certificatesigningrequests.ts';
import { QueueController, type ControllerContext } from '../shared/controller.ts';

export const csrResource = { group: 'certificates.k8s.io', version: 'v1', plural: 'certificatesigningrequests' };

/** kube-controller-manager's --cluster-signing-duration default. */
const SIGNING_DURATION_MS = 365 * 24 * 3600_000;
/** How far back a certificate's validity starts (the signer's backdate). */
const BACKDATE_MS = 5 * 60_000;

const clientUsages = new Set(['client auth', 'digital signature', 'key encipherment']);

/** Why a signer refuses the request, in kube's words; undefined when it signs. */
function signerRefusal(csr: CertificateSigningRequest, commonName: string, organizations: string[]): string | undefined {
  const usages = csr.spec.usages ?? [];
  const invalid = usages.filter((u) => !clientUsages.has(u));
  if (invalid.length) return `invalid usage for client certificate: ${invalid.join(', ')}`;
  if (!usages.includes('client auth')) return 'missing required usage for client certificate: client auth';
  if (csr.spec.signerName === 'kubernetes.io/kube-apiserver-client-kubelet') {
    if (organizations.length !== 1 || organizations[0] !== 'system:nodes') return 'subject organization is not system:nodes';
    if (!commonName.startsWith('system:node:')) return 'subject common name does not begin with system:node:';
  }
  return undefined;
}

const signers = new Set(['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet']);

function hasCondition(csr: CertificateSigningRequest, type: string): boolean {
  return (csr.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** Approved, not denied or failed, not yet issued, and for a signer this controller runs. */
function awaitingSignature(csr: CertificateSigningRequest): boolean {
  return signers.has(csr.spec?.signerName ?? '') && hasCondition(csr, 'Approved') && !hasCondition(csr, 'Denied') && !hasCondition(csr, 'Failed') && !csr.status?.certificate;
}

export class CsrSigningController extends QueueController {
  private readonly csrs: SharedInformer<CertificateSigningRequest>;
  private readonly csrClient: ResourceClient<CertificateSigningRequest>;

  constructor(
    ctx: ControllerContext,
    private readonly ca: CertificateAuthority,
    workers = 2,
  ) {
    super('csrsigning', ctx, workers);
    this.csrs = ctx.informers.informer<CertificateSigningRequest>(csrResource);
    this.csrClient = ctx.client.resource<CertificateSigningRequest>(csrResource);
    const consider = (csr: CertificateSigningRequest) => {
      if (awaitingSignature(csr)) this.enqueue(csr);
    };
    this.csrs.addEventHandler({ onAdd: consider, onUpdate: (_old, csr) => consider(csr), onDelete: () => undefined });
  }

  protected async reconcile(key: string): Promise<void> {
    const cached = this.csrs.get('', key);
    if (!cached || !awaitingSignature(cached)) return;
    const csr = structuredClone(cached) as CertificateSigningRequest;
    const now = this.ctx.clock.now();
    let request;
    try {
      request = parseCertificateRequest(requestPem(csr));
    } catch (err) {
      return this.fail(csr, `unable to parse csr "${csr.metadata.name}": ${(err as Error).message}`, now);
    }
    const refusal = signerRefusal(csr, request.commonName, request.organizations);
    if (refusal) return this.fail(csr, refusal, now);
    const requestedMs = csr.spec.expirationSeconds ? csr.spec.expirationSeconds * 1000 : SIGNING_DURATION_MS;
    const notBefore = new Date(now - BACKDATE_MS);
    const caEnd = Date.parse(new X509Certificate(this.ca.certPem).validTo);
    const notAfter = new Date(Math.min(notBefore.getTime() + Math.min(requestedMs, SIGNING_DURATION_MS), caEnd));
    const usages = csr.spec.usages ?? [];
    const certPem = writeCertificate({
      subject: request.subjectDer,
      publicKey: request.publicKey,
      signingKey: createPrivateKey(this.ca.keyPem),
      issuer: { certPem: this.ca.certPem },
      notBefore,
      notAfter,
      extKeyUsage: ['clientAuth'],
      keyUsage: [...(usages.includes('digital signature') ? (['digitalSignature'] as const) : []), ...(usages.includes('key encipherment') ? (['keyEncipherment'] as const) : [])],
    });
    csr.status = { ...csr.status, certificate: Buffer.from(certPem).toString('base64') };
    await this.csrClient.updateStatus('', csr);
  }

  private async fail(csr: CertificateSigningRequest, message: string, now: number): Promise<void> {
    const at = kubeTimestamp(new Date(now));
    csr.status = { ...csr.status, conditions: [...(csr.status?.conditions ?? []), { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message, lastUpdateTime: at, lastTransitionTime: at }] };
    await this.csrClient.updateStatus('', csr);
  }
}
