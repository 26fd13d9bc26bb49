// A CustomResourceDefinition's conversion webhook, called as
// apiextensions-apiserver's webhookConverter calls it: one ConversionReview
// for every object that is not in the desired version yet (a list's items
// together), over the same HTTPS client as admission webhooks (a URL or the
// Service's ready endpoint, verified with caBundle, timeout 30 s). The answer
// is checked as kube-apiserver checks it (the review's kind and uid, Success,
// one object per object sent, the desired apiVersion, same kind, name,
// namespace and uid) and only labels and annotations may change in metadata.
// A failure answers every request touching the objects with Kubernetes'
// `conversion webhook for GROUP/VERSION, Kind=KIND failed: ...`.

import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../kube/meta.ts';
import { StatusError } from '../errors.ts';
import { callWebhook, httpFailureCause, WebhookCallError } from '../admission/webhook/webhookCall.ts';
import { clientTarget, type WebhookServices } from '../admission/webhook/webhookInvocation.ts';
import type { CustomResourceDefinition } from './types.ts';
import { deepCopy } from '../../kube/deepCopy.ts';

/** Converts objects to an apiVersion; objects already in it come back as they are. */
export type ObjectConverter = (objects: KubeObject[], toApiVersion: string) => Promise<KubeObject[]>;

/** kube-apiserver calls conversion webhooks with a fixed 30 s timeout. */
const conversionTimeoutSeconds = 30;

const reviewVersions = ['v1', 'v1beta1'];

/** A failure with no Kubernetes reason (StatusReasonUnknown): kubectl prints `Error from server: <message>`. */
function conversionError(message: string): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: '', code: 500 });
}

type Json = Record<string, unknown>;

function metadataOf(obj: KubeObject): Json {
  return (obj.metadata ?? {}) as unknown as Json;
}

/** Checks one converted object against the one sent, and gives back the sent metadata with the new labels and annotations. */
function acceptConverted(sent: KubeObject, got: KubeObject, toApiVersion: string, index: number, gvk: string): KubeObject {
  const invalid = (why: string) => conversionError(`conversion for ${gvk} returned invalid converted object at index ${index}: ${why}`);
  if (got?.apiVersion !== toApiVersion) throw invalid(`invalid groupVersion (expected ${toApiVersion}, received ${String(got?.apiVersion ?? '')})`);
  if (got.kind !== sent.kind) throw invalid(`invalid kind (expected ${sent.kind}, received ${String(got.kind ?? '')})`);
  const before = metadataOf(sent);
  const after = metadataOf(got);
  for (const field of ['name', 'namespace', 'uid'] as const) {
    if ((before[field] ?? '') !== (after[field] ?? '')) throw invalid(`must have the same ${field === 'uid' ? 'UID' : field}: ${String(before[field] ?? '')} != ${String(after[field] ?? '')}`);
  }
  const metadata: Json = deepCopy(before);
  for (const field of ['labels', 'annotations'] as const) {
    const value = after[field];
    if (value === undefined || value === null) {
      delete metadata[field];
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some((v) => typeof v !== 'string')) {
      throw conversionError(`conversion for ${gvk} returned invalid metadata in object at index ${index}: metadata.${field} must be a map of strings`);
    }
    metadata[field] = value;
  }
  return { ...got, metadata } as KubeObject;
}

/** The converted objects of a ConversionReview answer, or why there are none (in client-go's and apiextensions' words). */
function convertedObjects(body: unknown, uid: string, version: string): unknown[] {
  const review = (typeof body === 'object' && body !== null ? body : {}) as { apiVersion?: string; kind?: string; response?: { uid?: string; result?: { status?: string; message?: string }; convertedObjects?: unknown[] } };
  if (version === 'v1') {
    const got = `${review.apiVersion ?? ''}, Kind=${review.kind ?? ''}`;
    if (review.apiVersion !== 'apiextensions.k8s.io/v1' || review.kind !== 'ConversionReview') throw new Error(`expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got ${got}`);
  }
  const response = review.response;
  if (!response) throw new Error('no response provided');
  if (version === 'v1' && response.uid !== uid) throw new Error(`expected response.uid="${uid}", got "${response.uid ?? ''}"`);
  if (response.result?.status !== 'Success') throw new Error(response.result?.message || `response.result.status was '${response.result?.status ?? ''}', not 'Success'`);
  return response.convertedObjects ?? [];
}

export function conversionWebhook(crd: CustomResourceDefinition, services: WebhookServices): ObjectConverter {
  const webhook = crd.spec.conversion?.webhook;
  const config = webhook?.clientConfig ?? {};
  const version = (webhook?.conversionReviewVersions ?? []).find((v) => reviewVersions.includes(v));
  return async (objects, toApiVersion) => {
    const toConvert = objects.map((obj, i) => ({ obj, i })).filter(({ obj }) => obj.apiVersion !== toApiVersion);
    if (toConvert.length === 0) return objects;
    const first = toConvert[0]!.obj;
    const gvk = `${first.apiVersion}, Kind=${first.kind}`;
    const failed = (why: string) => conversionError(`conversion webhook for ${gvk} failed: ${why}`);
    if (!version) throw failed('no supported conversion review versions');
    const uid = randomUUID();
    const review = { apiVersion: `apiextensions.k8s.io/${version}`, kind: 'ConversionReview', request: { uid, desiredAPIVersion: toApiVersion, objects: toConvert.map(({ obj }) => obj) } };
    let answer;
    try {
      answer = await callWebhook(clientTarget(config, conversionTimeoutSeconds, services), review);
    } catch (err) {
      if (err instanceof WebhookCallError) throw failed(err.message);
      throw err;
    }
    if (answer.status < 200 || answer.status > 299) throw failed(httpFailureCause(answer));
    let converted: unknown[];
    try {
      converted = convertedObjects(answer.body, uid, version);
    } catch (err) {
      throw failed((err as Error).message);
    }
    if (converted.length !== toConvert.length) throw conversionError(`conversion webhook for ${gvk} returned ${converted.length} objects, expected ${toConvert.length}`);
    const out = [...objects];
    toConvert.forEach(({ obj, i }, n) => {
      out[i] = acceptConverted(obj, converted[n] as KubeObject, toApiVersion, n + 1, gvk);
    });
    return out;
  };
}
