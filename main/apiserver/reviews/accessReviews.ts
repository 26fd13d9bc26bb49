// SelfSubjectAccessReview, SubjectAccessReview and LocalSubjectAccessReview
// (pkg/registry/authorization): "may this user do this?" answered by the same
// authorizer chain requests go through, in the review's status. `kubectl auth
// can-i` creates a SelfSubjectAccessReview (with --as, as the impersonated user).

import type { AuthorizationAttributes, Authorizer } from '../auth/authorizer.ts';
import type { UserInfo } from '../auth/user.ts';
import type { CreateOnlyHandler } from '../createOnly.ts';
import { errors } from '../errors.ts';
import type { FieldError, KubeObject } from '../../kube/meta.ts';
import { authorizationGroup } from '../resources/authorization.k8s.io.ts';
import { invalid } from '../validation/fieldErrors.ts';

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

interface ReviewSpec {
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: NonResourceAttributes;
  user?: string;
  groups?: string[];
  uid?: string;
  extra?: Record<string, string[]>;
}

function specOf(review: KubeObject): ReviewSpec {
  return (typeof review.spec === 'object' && review.spec !== null ? review.spec : {}) as ReviewSpec;
}

/** ValidateSelfSubjectAccessReviewSpec: exactly one of the two attribute sets. */
function validateAttributes(spec: ReviewSpec): FieldError[] {
  if (spec.resourceAttributes && spec.nonResourceAttributes) {
    return [invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes')];
  }
  if (!spec.resourceAttributes && !spec.nonResourceAttributes) {
    return [invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified')];
  }
  return [];
}

/** The object's metadata, but for what `ignore` names and what Go would leave out anyway, must be empty. */
function validateEmptyMetadata(review: KubeObject, ignore: string[], detail: string): FieldError[] {
  const set = Object.entries(review.metadata).filter(([key, value]) => !ignore.includes(key) && value !== null && value !== undefined && value !== '');
  return set.length ? [invalid('metadata', review.metadata, detail)] : [];
}

function attributesFor(user: UserInfo, spec: ReviewSpec): AuthorizationAttributes {
  const r = spec.resourceAttributes;
  if (r) {
    return {
      user,
      verb: r.verb ?? '',
      namespace: r.namespace ?? '',
      group: r.group ?? '',
      version: r.version || '*',
      resource: r.resource ?? '',
      subresource: r.subresource ?? '',
      name: r.name ?? '',
      isResourceRequest: true,
    };
  }
  return { user, verb: spec.nonResourceAttributes?.verb ?? '', path: spec.nonResourceAttributes?.path ?? '', isResourceRequest: false };
}

async function answer(authorizer: Authorizer, review: KubeObject, user: UserInfo): Promise<KubeObject> {
  const decision = await authorizer.authorize(attributesFor(user, specOf(review)));
  return {
    ...review,
    metadata: { ...review.metadata, creationTimestamp: review.metadata.creationTimestamp ?? null } as KubeObject['metadata'],
    status: { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}), ...(decision.evaluationError ? { evaluationError: decision.evaluationError } : {}) },
  };
}

function reject(kind: string, errs: FieldError[]): void {
  if (errs.length) throw errors.invalid(kind, authorizationGroup, '', errs);
}

export function selfSubjectAccessReviews(authorizer: Authorizer): CreateOnlyHandler {
  return {
    create: (user, review) => {
      reject('SelfSubjectAccessReview', [...validateAttributes(specOf(review)), ...validateEmptyMetadata(review, ['creationTimestamp'], 'must be empty')]);
      return answer(authorizer, review, user);
    },
  };
}

/** The user a (Local)SubjectAccessReview asks about, exactly as given: no group is added. */
function reviewedUser(spec: ReviewSpec): UserInfo {
  return { name: spec.user ?? '', groups: spec.groups ?? [], ...(spec.uid ? { uid: spec.uid } : {}), ...(spec.extra ? { extra: spec.extra } : {}) };
}

function validateSubject(spec: ReviewSpec): FieldError[] {
  return !spec.user && !spec.groups?.length ? [invalid('spec.user', spec.user ?? '', 'at least one of user or group must be specified')] : [];
}

export function subjectAccessReviews(authorizer: Authorizer): CreateOnlyHandler {
  return {
    create: (_user, review) => {
      const spec = specOf(review);
      reject('SubjectAccessReview', [...validateSubject(spec), ...validateAttributes(spec), ...validateEmptyMetadata(review, ['creationTimestamp'], 'must be empty')]);
      return answer(authorizer, review, reviewedUser(spec));
    },
  };
}

export function localSubjectAccessReviews(authorizer: Authorizer): CreateOnlyHandler {
  return {
    create: (_user, review, namespace) => {
      const spec = specOf(review);
      review.metadata.namespace ||= namespace;
      const errs = [...validateSubject(spec), ...validateAttributes(spec), ...validateEmptyMetadata(review, ['creationTimestamp', 'namespace'], 'must be empty except for namespace')];
      if (spec.resourceAttributes && (spec.resourceAttributes.namespace ?? '') !== review.metadata.namespace) {
        errs.push(invalid('spec.resourceAttributes.namespace', spec.resourceAttributes.namespace ?? '', 'must match metadata.namespace'));
      }
      if (spec.nonResourceAttributes) errs.push(invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'disallowed on this kind of request'));
      reject('LocalSubjectAccessReview', errs);
      if (review.metadata.namespace !== namespace) throw errors.badRequest(`spec.resourceAttributes.namespace must match namespace: ${namespace}`);
      return answer(authorizer, review, reviewedUser(spec));
    },
  };
}
