// kube-apiserver's three certificate admission plugins, on by default
// (plugin/pkg/admission/certificates):
//  - CertificateApproval: approving or denying a request (its approval
//    subresource) needs the `approve` verb on the signer
//    (certificates.k8s.io "signers", named after the signerName or its
//    domain/*), not only update on the subresource;
//  - CertificateSigning: writing a certificate (the status subresource)
//    needs `sign` on the signer the same way;
//  - CertificateSubjectRestriction: no request to the
//    kube-apiserver-client signer for the system:masters group.

import type { Authorizer } from '../auth/authorizer.ts';
import { privilegedGroup } from '../auth/user.ts';
import { errors } from '../errors.ts';
import { parseCertificateRequest } from '../../cluster/x509/certificateRequest.ts';
import { requestPem, type CertificateSigningRequest } from '../resources/certificatesigningrequests.ts';
import type { AdmissionAttributes, AdmissionPlugin } from './admission.ts';

const group = 'certificates.k8s.io';
const resource = { group, resource: 'certificatesigningrequests' };

function isCsr(attrs: AdmissionAttributes): boolean {
  return attrs.resource.group === group && attrs.resource.plural === 'certificatesigningrequests';
}

export class CertificateAdmissionPlugin implements AdmissionPlugin {
  readonly name = 'CertificateApproval,CertificateSigning,CertificateSubjectRestriction';

  constructor(private readonly authorizer: Authorizer) {}

  // Answers at once for what it does not look at: the chain awaits only a promise.
  validate(attrs: AdmissionAttributes): Promise<void> | void {
    if (!isCsr(attrs) || !attrs.object) return;
    return this.validateRequest(attrs);
  }

  private async validateRequest(attrs: AdmissionAttributes): Promise<void> {
    const csr = attrs.object as CertificateSigningRequest;
    const signerName = csr.spec?.signerName ?? '';
    if (attrs.operation === 'CREATE' && signerName === 'kubernetes.io/kube-apiserver-client') {
      const organizations = (() => {
        try {
          return parseCertificateRequest(requestPem(csr)).organizations;
        } catch {
          return []; // validation refuses an unreadable request
        }
      })();
      if (organizations.includes(privilegedGroup)) {
        throw errors.forbidden(resource, attrs.name, `use of ${signerName} signer with ${privilegedGroup} group is not allowed`);
      }
    }
    if (attrs.operation !== 'UPDATE') return;
    if (attrs.subresource === 'approval') {
      if (!(await this.mayActOnSigner(attrs, 'approve', signerName))) throw errors.forbidden(resource, attrs.name, `user not permitted to approve requests with signerName ${JSON.stringify(signerName)}`);
    } else if (attrs.subresource === 'status') {
      const before = (attrs.oldObject as CertificateSigningRequest | undefined)?.status?.certificate ?? '';
      if ((csr.status?.certificate ?? '') !== before && !(await this.mayActOnSigner(attrs, 'sign', signerName))) {
        throw errors.forbidden(resource, attrs.name, `user not permitted to sign requests with signerName ${JSON.stringify(signerName)}`);
      }
    }
  }

  /** The signer by its name, or every signer of its domain (`example.com/*`). */
  private async mayActOnSigner(attrs: AdmissionAttributes, verb: 'approve' | 'sign', signerName: string): Promise<boolean> {
    const ask = async (name: string) => (await this.authorizer.authorize({ user: attrs.user, verb, group, version: '*', resource: 'signers', name, isResourceRequest: true })).allowed;
    if (await ask(signerName)) return true;
    const domain = signerName.split('/')[0];
    return ask(`${domain}/*`);
  }
}
