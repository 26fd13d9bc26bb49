// Deciding whether one webhook is called for a request, and calling it, as
// k8s.io/apiserver/pkg/admission/plugin/webhook/generic and request do:
// namespaceSelector, objectSelector and rules (with matchPolicy Equivalent
// trying the resource's other versions), then matchConditions; the
// AdmissionReview v1 exchange and the checks on its response. Failures to
// call are WebhookFailure (the failurePolicy decides), refusals StatusErrors.

import type { Status } from '../../../kube/meta.ts';
import { StatusError, errors } from '../../errors.ts';
import type { ResourceDefinition } from '../../registry/resourceDefinition.ts';
import type { LabelSelectorObject } from '../../validation/labelSelectorObject.ts';
import type { AdmissionAttributes } from '../admission.ts';
import { refusedBecause, type WebhookFailureProblem, type WebhookSource } from '../admissionDenials.ts';
import type { AdmissionView } from '../admissionRequest.ts';
import { toCel } from '../cel/celPrograms.ts';
import { evaluateMatchConditions } from '../cel/matchConditions.ts';
import { equivalentViews } from '../equivalentResources.ts';
import { namespaceSelectorMatches, objectSelectorMatches, type NamespaceGetter } from '../objectSelection.ts';
import { ruleMatches, type AdmissionRule } from '../ruleMatching.ts';
import { resolveServiceEndpoint, type ObjectGetter } from './serviceEndpoint.ts';
import { callWebhook, httpFailureCause, WebhookCallError, type EndpointDialer, type WebhookTarget } from './webhookCall.ts';
import type { Webhook } from './webhookSource.ts';

export interface WebhookServices {
  definitions(): readonly ResourceDefinition[];
  getNamespace: NamespaceGetter;
  getService: ObjectGetter;
  getEndpoints: ObjectGetter;
  /** How a Service's endpoint is reached (the cluster network's dialer); absent or undefined: directly. */
  endpointDialer?: () => EndpointDialer | undefined;
}

/** kube-apiserver's ErrCallingWebhook: `failed calling webhook "NAME": REASON`. */
export class WebhookFailure extends Error {
  constructor(
    readonly webhook: string,
    readonly problem: WebhookFailureProblem,
    reason: string,
  ) {
    super(`failed calling webhook "${webhook}": ${reason}`);
  }
}

/** The view the webhook sees, when its rules (or, with matchPolicy Equivalent, an equivalent resource) and selectors take the request. */
export async function matchWebhook(hook: Webhook, view: AdmissionView, def: ResourceDefinition, services: WebhookServices): Promise<AdmissionView | undefined> {
  if (!(await namespaceSelectorMatches(hook.namespaceSelector as LabelSelectorObject | undefined, view, services.getNamespace))) return undefined;
  if (!objectSelectorMatches(hook.objectSelector as LabelSelectorObject | undefined, view)) return undefined;
  const rules = (hook.rules ?? []) as AdmissionRule[];
  if (rules.some((rule) => ruleMatches(rule, view))) return view;
  if ((hook.matchPolicy ?? 'Equivalent') !== 'Equivalent') return undefined;
  return equivalentViews(view, def, services.definitions()).find((candidate) => rules.some((rule) => ruleMatches(rule, candidate)));
}

/** matchConditions with object, oldObject and request; an evaluation error is a failure to call. */
export function matchConditionsAllow(hook: Webhook, request: Record<string, unknown>): boolean {
  if (!hook.matchConditions?.length) return true;
  const outcome = evaluateMatchConditions(hook.matchConditions, { object: toCel(request.object), oldObject: toCel(request.oldObject), request: toCel(request) });
  if (outcome.error !== undefined) throw new WebhookFailure(hook.name, 'match-conditions', `failed to evaluate match conditions: ${outcome.error}`);
  return outcome.matches;
}

/** A dry run only reaches webhooks that declare they have no side effects on one. */
export function checkDryRun(hook: Webhook, attrs: AdmissionAttributes): void {
  if (attrs.dryRun && hook.sideEffects !== 'None' && hook.sideEffects !== 'NoneOnDryRun') {
    throw errors.badRequest(`admission webhook "${hook.name}" does not support dry run`);
  }
}

/** Where a webhook's clientConfig points: its URL, or its Service reached through the cluster network. */
export function clientTarget(config: Webhook['clientConfig'], timeoutSeconds: number, services: WebhookServices): WebhookTarget {
  const ca = config.caBundle ? Buffer.from(config.caBundle, 'base64').toString('utf8') : undefined;
  if (config.url) return { url: config.url, ca, timeoutSeconds };
  const service = config.service!;
  const port = service.port ?? 443;
  const path = service.path ?? '';
  const dial = services.endpointDialer?.();
  return {
    url: `https://${service.name}.${service.namespace}.svc:${port}${path}`,
    resolve: () => resolveServiceEndpoint(services.getService, services.getEndpoints, service.namespace, service.name, port),
    ...(dial ? { dial } : {}),
    ca,
    timeoutSeconds,
  };
}

export interface WebhookAnswer {
  allowed: boolean;
  status?: Partial<Status>;
  patch?: unknown[];
  warnings: string[];
}

/** webhookutil.VerifyAdmissionResponse for admission.k8s.io/v1. */
function verifyResponse(hook: Webhook, uid: string, mutating: boolean, body: unknown): WebhookAnswer {
  const invalid = (why: string) => new WebhookFailure(hook.name, 'invalid-response', `received invalid webhook response: ${why}`);
  const review = (typeof body === 'object' && body !== null ? body : {}) as { apiVersion?: string; kind?: string; response?: Record<string, unknown> };
  const response = review.response;
  if (!response) throw invalid('webhook response was absent');
  if (review.apiVersion !== 'admission.k8s.io/v1' || review.kind !== 'AdmissionReview') {
    const got = review.apiVersion ? `${review.apiVersion}, Kind=${review.kind ?? ''}` : `/, Kind=${review.kind ?? ''}`;
    throw invalid(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${got}`);
  }
  if (response.uid !== uid) throw invalid(`expected response.uid="${uid}", got "${String(response.uid ?? '')}"`);
  const patch = typeof response.patch === 'string' ? response.patch : '';
  const patchType = typeof response.patchType === 'string' ? response.patchType : '';
  if (patch && !patchType) throw invalid('webhook returned response.patch but not response.patchType');
  if (!patch && patchType) throw invalid('webhook returned response.patchType but not response.patch');
  if (!mutating && patch) throw invalid('validating webhooks may not return patches');
  if (patchType && patchType !== 'JSONPatch') throw invalid(`webhook returned invalid response.patchType of "${patchType}"`);
  let operations: unknown[] | undefined;
  if (patch) {
    try {
      operations = JSON.parse(Buffer.from(patch, 'base64').toString('utf8')) as unknown[];
    } catch (err) {
      throw errors.internal((err as Error).message);
    }
  }
  const warnings = Array.isArray(response.warnings) ? response.warnings.filter((w): w is string => typeof w === 'string') : [];
  return { allowed: response.allowed === true, status: response.status as Partial<Status> | undefined, patch: operations, warnings };
}

/** webhookerrors.ToStatusErr: the webhook's refusal, its code kept (at least 400). */
export function rejection(hook: Webhook, status: Partial<Status> | undefined, source: WebhookSource): StatusError {
  const deniedBy = `admission webhook "${hook.name}" denied the request`;
  const code = typeof status?.code === 'number' && status.code >= 400 ? status.code : 400;
  const message = status?.message ? `${deniedBy}: ${status.message}` : status?.reason ? `${deniedBy}: ${status.reason}` : `${deniedBy} without explanation`;
  const err = new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    ...(status?.reason ? { reason: status.reason } : {}),
    ...(status?.details ? { details: status.details } : {}),
    code,
  });
  return refusedBecause(err, { stage: 'webhook', webhook: hook.name, outcome: 'denied', ...source });
}

/** A webhook that could not be called under failurePolicy Fail: kube-apiserver's 500, with what failed. */
export function callFailure(hook: Webhook, failure: WebhookFailure, source: WebhookSource): StatusError {
  const service = hook.clientConfig.service;
  return refusedBecause(errors.internal(failure.message), {
    stage: 'webhook',
    webhook: hook.name,
    outcome: 'call-failed',
    problem: failure.problem,
    failurePolicy: hook.failurePolicy ?? 'Fail',
    timeoutSeconds: hook.timeoutSeconds ?? 10,
    clientConfig: hook.clientConfig.url ? { url: hook.clientConfig.url } : { service: { namespace: service?.namespace ?? '', name: service?.name ?? '', port: service?.port ?? 443, ...(service?.path ? { path: service.path } : {}) } },
    ...source,
  });
}

/** Sends the review and returns the webhook's verified answer. */
export async function invokeWebhook(hook: Webhook, request: Record<string, unknown>, mutating: boolean, services: WebhookServices): Promise<WebhookAnswer> {
  let result;
  try {
    result = await callWebhook(clientTarget(hook.clientConfig, hook.timeoutSeconds ?? 10, services), { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request });
  } catch (err) {
    if (err instanceof WebhookCallError) throw new WebhookFailure(hook.name, err.problem, `failed to call webhook: ${err.message}`);
    throw err;
  }
  if (result.status < 200 || result.status > 299) throw new WebhookFailure(hook.name, 'http-error', `failed to call webhook: ${httpFailureCause(result)}`);
  return verifyResponse(hook, String(request.uid), mutating, result.body);
}

/** Whether the failure of a webhook lets the request through. */
export function failureIgnored(hook: Webhook): boolean {
  return hook.failurePolicy === 'Ignore';
}
