// Errors in Kubernetes' own shape: every failure the API server answers with
// is a metav1.Status, worded as k8s.io/apimachinery/pkg/api/errors words it,
// so kubectl prints exactly what users know ("the object has been modified").

import type { FieldError, Status, StatusCause } from '../kube/meta.ts';
import { formatFieldErrors, qualifiedKind } from './validation/formatFieldErrors.ts';
import { isStoreError } from '../store/store.ts';

export class StatusError extends Error {
  /** Warnings gathered before the request failed (admission's), sent with the error as `Warning:` headers. */
  warnings?: string[];

  constructor(readonly status: Status) {
    super(status.message);
    this.name = 'StatusError';
  }
  get code(): number {
    return this.status.code;
  }
}

interface Qualified {
  group: string;
  resource: string;
}

function qualifiedResource({ group, resource }: Qualified): string {
  return group ? `${resource}.${group}` : resource;
}

function statusOf(code: number, reason: string, message: string, details?: Status['details']): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code });
}

export const errors = {
  notFound: (gr: Qualified, name: string) =>
    statusOf(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, { name, group: gr.group || undefined, kind: gr.resource }),
  alreadyExists: (gr: Qualified, name: string) =>
    statusOf(409, 'AlreadyExists', `${qualifiedResource(gr)} "${name}" already exists`, { name, group: gr.group || undefined, kind: gr.resource }),
  conflict: (gr: Qualified, name: string, why: string) =>
    statusOf(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    }),
  /** The message kubectl users know from stale updates. */
  staleObject: (gr: Qualified, name: string) =>
    errors.conflict(gr, name, 'the object has been modified; please apply your changes to the latest version and try again'),
  invalid: (kind: string, group: string, name: string, fieldErrors: FieldError[]) => {
    const { message, causes } = formatFieldErrors(qualifiedKind(kind, group), name, fieldErrors);
    return statusOf(422, 'Invalid', message, { name, group: group || undefined, kind, causes });
  },
  /** 429: a refusal to retry later (an eviction that a disruption budget does not allow yet). */
  tooManyRequests: (message: string, causes?: StatusCause[]) => statusOf(429, 'TooManyRequests', message, causes ? { causes } : undefined),
  badRequest: (message: string, causes?: StatusCause[]) => statusOf(400, 'BadRequest', message, causes ? { causes } : undefined),
  unauthorized: () => statusOf(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (gr: Qualified, name: string, why: string) =>
    statusOf(403, 'Forbidden', `${qualifiedResource(gr)}${name ? ` "${name}"` : ''} is forbidden: ${why}`, {
      name: name || undefined,
      group: gr.group || undefined,
      kind: gr.resource,
    }),
  resourceNotFound: (path: string) => statusOf(404, 'NotFound', 'the server could not find the requested resource', { causes: [{ reason: 'UnexpectedServerResponse', message: `404 page not found: ${path}` }] }),
  methodNotSupported: (gr: Qualified, verb: string) =>
    statusOf(405, 'MethodNotAllowed', `${verb} is not supported on resources of kind "${qualifiedResource(gr)}"`, {
      group: gr.group || undefined,
      kind: gr.resource,
    }),
  notAcceptable: (message: string) => statusOf(406, 'NotAcceptable', message),
  /** NewUnsupportedMediaTypeError: a body in a media type the endpoint does not decode. */
  unsupportedMediaType: (accepted: string[]) => statusOf(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`),
  /** go-restful's answer to a method no route serves, as kube-apiserver words it (NewGenericServerResponse). */
  methodNotAllowed: () => statusOf(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}),
  /** A non-long-running request that outlived the request timeout (kube-apiserver's --request-timeout, a minute). */
  requestTimeout: () => statusOf(504, 'Timeout', 'Timeout: request did not complete within requested timeout - context deadline exceeded', {}),
  requestEntityTooLarge: (limit: number) => statusOf(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`),
  /** 410: a watch or list from a compacted resourceVersion. */
  expired: (message: string) => statusOf(410, 'Expired', message),
  tooLargeResourceVersion: (requested: number, current: number) =>
    statusOf(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    }),
  serviceUnavailable: (message: string) => statusOf(503, 'ServiceUnavailable', message),
  internal: (message: string) => statusOf(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }),
};

/** Any error thrown below the API layer, as the Status the client gets. */
export function toStatusError(err: unknown, gr?: Qualified, name?: string): StatusError {
  if (err instanceof StatusError) return err;
  if (isStoreError(err)) {
    const where = gr ?? { group: '', resource: 'unknown' };
    switch (err.code) {
      case 'KeyExists':
        return errors.alreadyExists(where, name ?? '');
      case 'KeyNotFound':
        return errors.notFound(where, name ?? '');
      case 'Conflict':
        return errors.staleObject(where, name ?? '');
      case 'Compacted':
        return errors.expired(`too old resource version: ${err.message}`);
      case 'Unavailable':
      case 'Closed':
        return errors.serviceUnavailable(`storage is unavailable: ${err.message}`);
      case 'FutureRevision':
        return errors.serviceUnavailable(err.message);
      case 'NoSpace':
      case 'TooLarge':
        // kube-apiserver passes etcd's refusals (its NOSPACE alarm, a request too large) on as an unclassified 500
        // (no reason), in etcd's words: kubectl prints "Error from server: etcdserver: mvcc: database space exceeded".
        return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: err.message, code: 500 });
    }
  }
  // A bug or a failure below the API (a JavaScript or SQLite error): its text means nothing to a client and may
  // reveal internals, so the client gets Kubernetes' form and the log gets the error.
  console.error(`podlab: internal error in the API server: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return errors.internal('the server could not complete the request; the PodLab log has the details');
}
