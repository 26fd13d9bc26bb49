// The authorization API's answers the debugger asks for on any cluster:
// SelfSubjectAccessReview (may I do this?), SelfSubjectRulesReview (what may
// I do in this namespace?) and SubjectAccessReview (may this service account
// do it?), the last allowed only to users granted `create
// subjectaccessreviews`. Nothing is stored: each answer is the review's status.

import type { Status } from '../../preload/api.ts';
import type { NamespaceRights } from '../insight/accessLimited.ts';
import type { ForbiddenRequest } from '../insight/forbiddenText.ts';
import { isApiError, type KubeClient } from '../kube/client/types.ts';
import type { KubeObject } from '../kube/meta.ts';
import { BridgeFailure } from './bridgeError.ts';

export interface ReviewAnswer {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

const group = 'authorization.k8s.io';

/** The Status of an RBAC refusal, whether the client or a pod stream got it; undefined for any other failure. */
export function forbiddenStatus(err: unknown): Status | undefined {
  if (isApiError(err, 'Forbidden')) return err.status;
  if (err instanceof BridgeFailure && err.status?.code === 403) return err.status;
  return undefined;
}

function attributesOf(request: ForbiddenRequest): object {
  if (!request.isResourceRequest) return { nonResourceAttributes: { verb: request.verb, path: request.path } };
  const { verb, group: apiGroup, resource, subresource, namespace, name } = request;
  return { resourceAttributes: { verb, group: apiGroup, resource, ...(subresource && { subresource }), ...(namespace && { namespace }), ...(name && { name }) } };
}

async function create(client: KubeClient, plural: string, kind: string, spec: object): Promise<KubeObject & { status?: unknown }> {
  return client.resource({ group, version: 'v1', plural }).create(undefined, { apiVersion: `${group}/v1`, kind, metadata: {}, spec } as never);
}

/** May the connecting user do what was refused? */
export async function selfAccessReview(client: KubeClient, request: ForbiddenRequest): Promise<ReviewAnswer> {
  return ((await create(client, 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', attributesOf(request))).status ?? { allowed: false }) as ReviewAnswer;
}

/** May this user (with these groups) do it? Needs `create subjectaccessreviews`. */
export async function subjectAccessReview(client: KubeClient, user: string, groups: string[], request: ForbiddenRequest): Promise<ReviewAnswer> {
  return ((await create(client, 'subjectaccessreviews', 'SubjectAccessReview', { user, groups, ...attributesOf(request) })).status ?? { allowed: false }) as ReviewAnswer;
}

/** What the connecting user may do in a namespace. */
export async function namespaceRights(client: KubeClient, namespace: string): Promise<NamespaceRights> {
  const status = (await create(client, 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', { namespace })).status as { resourceRules?: NamespaceRights['resourceRules']; incomplete?: boolean } | undefined;
  return { namespace, resourceRules: status?.resourceRules ?? [], ...(status?.incomplete && { incomplete: true }) };
}
