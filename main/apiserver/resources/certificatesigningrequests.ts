// CertificateSigningRequests (certificates.k8s.io/v1), as kube-apiserver's
// strategy and validation handle them: the requester's identity written into
// the spec on create (whatever was sent), a spec fixed once created, the
// request checked as a PKCS#10 request whose signature verifies, the signer
// name, usages and expirationSeconds validated, and two subresources: status
// (where a signer writes the certificate; approval conditions cannot change
// there) and approval (where `kubectl certificate approve` adds its
// condition; nothing else changes there). kubectl's columns: SIGNERNAME,
// REQUESTOR, REQUESTEDDURATION, CONDITION. The signing is the
// csrsigning controller's (controllers/certificates).

import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { kubeTimestamp } from '../../kube/time.ts';
import { parseCertificateRequest } from '../../cluster/x509/certificateRequest.ts';
import type { UserInfo } from '../auth/user.ts';
import type { ResourceDefinition } from '../registry/resourceDefinition.ts';
import { duplicate, forbidden, invalid, notSupported, required, tooLong } from '../validation/fieldErrors.ts';
import { GoValue } from '../validation/goSyntax.ts';
import { isDNS1123Label, isDNS1123Subdomain } from '../validation/names.ts';
import { ageColumn, column, nameColumn } from './shared/columns.ts';
import { ageSince, humanDuration } from './shared/humanDuration.ts';

export interface CsrCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface CertificateSigningRequest extends KubeObject {
  spec: { request?: string; signerName?: string; expirationSeconds?: number; usages?: string[]; username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  status?: { conditions?: CsrCondition[]; certificate?: string };
}

/** allValidUsages. */
const keyUsages = ['any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment', 'decipher only', 'digital signature', 'email protection', 'encipher only', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'key agreement', 'key encipherment', 'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime', 'server auth', 'signing', 'timestamping'];
const conditionStatuses = ['False', 'True', 'Unknown'];

/** The request's bytes: the API carries them base64-encoded. */
export function requestPem(csr: CertificateSigningRequest): string {
  return Buffer.from(csr.spec?.request ?? '', 'base64').toString('latin1');
}

/** Go's %#v of a []byte, as field errors print the request. */
function goBytes(bytes: Buffer): GoValue {
  return new GoValue(`[]byte{${[...bytes].map((b) => `0x${b.toString(16)}`).join(', ')}}`);
}

/** ValidateSignerName: `example.com/signer-name`. */
function validateSignerName(signerName: string | undefined, field: string): FieldError[] {
  if (!signerName) return [required(field)];
  const segments = signerName.split('/');
  if (segments.length !== 2) return [invalid(field, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain, path] = segments as [string, string];
  const errs: FieldError[] = [];
  if (domain.length > 253) errs.push(tooLong(field, 253));
  const domainLabels = domain.split('.');
  for (const label of domainLabels) {
    const problems = isDNS1123Label(label);
    if (problems.length) {
      errs.push(...problems.map((p) => invalid(field, domain, `validating label ${JSON.stringify(label)}: ${p}`)));
      break;
    }
  }
  if (domainLabels.length < 2) errs.push(invalid(field, domain, 'should be a domain with at least two segments separated by dots'));
  for (const component of path.split('.')) {
    const problems = isDNS1123Subdomain(component);
    if (problems.length) {
      errs.push(...problems.map((p) => invalid(field, path, `validating component ${JSON.stringify(component)}: ${p}`)));
      break;
    }
  }
  return errs;
}

/** validateCertificate: status.certificate holds CERTIFICATE PEM blocks only, at least one. */
function certificateProblem(certificate: string | undefined): string | undefined {
  if (!certificate) return undefined;
  const text = Buffer.from(certificate, 'base64').toString('latin1');
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
  if (blocks.length === 0) return 'must contain at least one CERTIFICATE PEM block';
  for (const block of blocks) {
    if (block[1] !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found ${JSON.stringify(block[1])}`;
    if (block[2]!.replace(/\s+/g, '') === '') return 'found CERTIFICATE PEM block containing 0 certificate bytes';
  }
  return undefined;
}

function validateConditions(csr: CertificateSigningRequest): FieldError[] {
  const errs: FieldError[] = [];
  const conditions = csr.status?.conditions ?? [];
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  conditions.forEach((c, i) => {
    const path = `status.conditions[${i}]`;
    if (!c.type) errs.push(required(`${path}.type`));
    if (!c.status) errs.push(required(`${path}.status`));
    else if (!conditionStatuses.includes(c.status)) errs.push(notSupported(`${path}.status`, c.status, conditionStatuses));
    if (seen.has(c.type ?? '')) errs.push(duplicate(`${path}.type`, c.type));
    seen.add(c.type ?? '');
    if (c.type === 'Approved' || c.type === 'Denied') {
      if (c.type === 'Approved') approved = true;
      else denied = true;
      if (c.status !== 'True') errs.push(invalid(`${path}.status`, c.status ?? '', `${c.type} condition may only have a status of True`));
    }
  });
  if (approved && denied) errs.push(invalid('status.conditions', new GoValue('[]certificates.CertificateSigningRequestCondition{...}'), 'Approved and Denied conditions are mutually exclusive'));
  return errs;
}

function validate(obj: KubeObject): FieldError[] {
  const csr = obj as CertificateSigningRequest;
  const errs: FieldError[] = [];
  try {
    parseCertificateRequest(requestPem(csr));
  } catch (err) {
    errs.push(invalid('spec.request', goBytes(Buffer.from(csr.spec?.request ?? '', 'base64')), (err as Error).message));
  }
  const usages = csr.spec?.usages ?? [];
  if (usages.length === 0) errs.push(required('spec.usages'));
  usages.forEach((usage, i) => {
    if (!keyUsages.includes(usage)) errs.push(notSupported(`spec.usages[${i}]`, usage, keyUsages));
  });
  usages.forEach((usage, i) => {
    if (usages.indexOf(usage) < i) errs.push(duplicate(`spec.usages[${i}]`, usage));
  });
  if (csr.spec?.signerName === 'kubernetes.io/legacy-unknown') errs.push(invalid('spec.signerName', csr.spec.signerName, 'the legacy signerName is not allowed via this API version'));
  else errs.push(...validateSignerName(csr.spec?.signerName, 'spec.signerName'));
  const seconds = csr.spec?.expirationSeconds;
  if (seconds !== undefined && seconds !== null && seconds < 600) errs.push(invalid('spec.expirationSeconds', seconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  errs.push(...validateConditions(csr));
  const problem = certificateProblem(csr.status?.certificate);
  if (problem) errs.push(invalid('status.certificate', '<certificate data>', problem));
  return errs;
}

/** What an update may not do to the approval conditions and the issued certificate. */
function validateUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const csr = obj as CertificateSigningRequest;
  const before = old as CertificateSigningRequest;
  const errs = validate(obj);
  for (const type of ['Approved', 'Denied']) {
    const was = (before.status?.conditions ?? []).filter((c) => c.type === type);
    const is = (csr.status?.conditions ?? []).filter((c) => c.type === type);
    if (is.length < was.length) errs.push(forbidden('status.conditions', `updates may not remove a condition of type ${JSON.stringify(type)}`));
    else if (was.some((c, i) => c.status !== is[i]?.status)) errs.push(forbidden('status.conditions', `updates may not modify a condition of type ${JSON.stringify(type)}`));
  }
  const issued = before.status?.certificate;
  if (issued && csr.status?.certificate !== issued) errs.push(forbidden('status.certificate', 'updates may not modify existing certificate content'));
  return errs;
}

/** populateConditionTimestamps: each condition's times, kept from the same condition before when its status did not change. */
function stampConditions(csr: CertificateSigningRequest, old: CertificateSigningRequest): void {
  const now = kubeTimestamp(new Date());
  for (const condition of csr.status?.conditions ?? []) {
    condition.lastUpdateTime ||= now;
    if (!condition.lastTransitionTime) {
      const previous = (old.status?.conditions ?? []).find((c) => c.type === condition.type && c.status === condition.status);
      condition.lastTransitionTime = previous?.lastTransitionTime || condition.lastUpdateTime;
    }
  }
}

/**
 * A status update keeps the approval conditions as they were (preserveConditionInstances): the
 * same instances are put back; added or removed ones stay, for validation to refuse.
 */
function keepApprovalConditions(csr: CertificateSigningRequest, old: CertificateSigningRequest): void {
  for (const type of ['Approved', 'Denied']) {
    const was = (old.status?.conditions ?? []).filter((c) => c.type === type);
    const conditions = csr.status?.conditions ?? [];
    const positions = conditions.flatMap((c, i) => (c.type === type ? [i] : []));
    if (positions.length === was.length) positions.forEach((position, i) => (conditions[position] = was[i]!));
  }
}

/** The status subresource is the signer's: it may not add approval conditions. */
function validateStatusUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateUpdate(obj, old);
  for (const type of ['Approved', 'Denied']) {
    const count = (csr: KubeObject) => ((csr as CertificateSigningRequest).status?.conditions ?? []).filter((c) => c.type === type).length;
    if (count(obj) > count(old)) errs.push(forbidden('status.conditions', `updates may not add a condition of type ${JSON.stringify(type)}`));
  }
  return errs;
}

function prepareForCreate(obj: KubeObject, user?: UserInfo): void {
  const csr = obj as CertificateSigningRequest;
  // Users cannot create pre-approved requests, nor ask in another's name.
  delete csr.status;
  csr.spec = { ...csr.spec };
  delete csr.spec.username;
  delete csr.spec.uid;
  delete csr.spec.groups;
  delete csr.spec.extra;
  if (user) {
    csr.spec.username = user.name;
    if (user.uid) csr.spec.uid = user.uid;
    csr.spec.groups = [...user.groups];
    if (user.extra && Object.keys(user.extra).length) csr.spec.extra = structuredClone(user.extra);
  }
}

function conditionSummary(csr: CertificateSigningRequest): string {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c.type));
  let status = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) status += ',Failed';
  if (csr.status?.certificate) status += ',Issued';
  return status;
}

export const certificatesigningrequests: ResourceDefinition = {
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  plural: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  shortNames: ['csr'],
  namespaced: false,
  subresources: ['status', 'approval'],
  strategy: {
    prepareForCreate,
    // The spec is the requester's, fixed at create; the status is the signer's and the approver's.
    prepareForUpdate: (obj, old) => {
      (obj as CertificateSigningRequest).spec = (old as CertificateSigningRequest).spec;
    },
    validate,
    validateUpdate,
    views: {
      status: {
        prepare: (desired, current) => {
          const csr = current as CertificateSigningRequest;
          const updated: CertificateSigningRequest = { ...csr, status: structuredClone((desired as CertificateSigningRequest).status ?? {}) };
          keepApprovalConditions(updated, csr);
          stampConditions(updated, csr);
          return updated;
        },
        validateUpdate: validateStatusUpdate,
      },
      approval: {
        // Only the conditions change: the spec and the certificate stay as stored.
        prepare: (desired, current) => {
          const csr = current as CertificateSigningRequest;
          const updated: CertificateSigningRequest = { ...csr, status: { ...csr.status, conditions: structuredClone((desired as CertificateSigningRequest).status?.conditions ?? []) } };
          if (!updated.status!.certificate) delete updated.status!.certificate;
          stampConditions(updated, csr);
          return updated;
        },
        validateUpdate,
      },
    },
    table: {
      columns: [
        nameColumn(),
        ageColumn(),
        column('SignerName', 'string', 'Name of the signer that should sign the certificate.'),
        column('Requestor', 'string', 'Name of the user who submitted the request.'),
        column('RequestedDuration', 'string', 'Requested duration of the issued certificate.'),
        column('Condition', 'string', 'The current state of the request.'),
      ],
      row: (obj, now) => {
        const csr = obj as CertificateSigningRequest;
        const seconds = csr.spec?.expirationSeconds;
        return [csr.metadata.name, ageSince(csr.metadata.creationTimestamp, now), csr.spec?.signerName || '<none>', csr.spec?.username ?? '', seconds ? humanDuration(seconds * 1000) : '<none>', conditionSummary(csr)];
      },
    },
  },
};
