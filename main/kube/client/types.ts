// The typed client every PodLab component (scheduler, controllers, kubelets,
// the UI bridge) uses to talk to the API server. In-process it calls the same
// request handling kubectl's HTTP requests go through (authn/authz/admission
// included), without the HTTP hop, as kube components are clients of
// kube-apiserver.

import type { KubeList, KubeObject, Status } from '../meta.ts';

export interface ResourceRef {
  group: string; // '' for core
  version: string;
  plural: string;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Events after this resourceVersion; absent: start with ADDED events for every current object (as Kubernetes does for rv=""), then changes. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface ClientWatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  /** For ERROR a Status object. */
  object: T | (Status & KubeObject);
}

export interface WatchHandle {
  stop(): void;
  /** Resolves when the watch ends (stopped, or the server ended it: e.g. 410 Gone). */
  done: Promise<void>;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

/** Options of writes, as the query parameters of the same names. */
export interface WriteOptions {
  /** Strict rejects unknown fields (400), Warn (the server's default) and Ignore drop them. */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Validate and admit, but store nothing. */
  dryRun?: boolean;
}

export type PatchType = 'application/json-patch+json' | 'application/merge-patch+json' | 'application/strategic-merge-patch+json';

export interface ResourceClient<T extends KubeObject = KubeObject> {
  /** With `subresource` (`scale`), that subresource's object (an autoscaling/v1 Scale). */
  get(namespace: string | undefined, name: string, subresource?: string): Promise<T>;
  list(namespace?: string, options?: ListOptions): Promise<KubeList<T>>;
  watch(namespace: string | undefined, options: WatchOptions, onEvent: (event: ClientWatchEvent<T>) => void): WatchHandle;
  create(namespace: string | undefined, obj: T, options?: WriteOptions): Promise<T>;
  update(namespace: string | undefined, obj: T, options?: WriteOptions): Promise<T>;
  updateStatus(namespace: string | undefined, obj: T): Promise<T>;
  patch(namespace: string | undefined, name: string, type: PatchType, patch: unknown, subresource?: string, options?: WriteOptions): Promise<T>;
  delete(namespace: string | undefined, name: string, options?: DeleteOptions): Promise<KubeObject>;
  /** POST to a subresource (pods/binding, pods/eviction). */
  createSubresource(namespace: string | undefined, name: string, subresource: string, body: KubeObject): Promise<KubeObject>;
}

export interface ResourceClientOptions {
  /**
   * The caller only reads what gets and writes answer, never changes it: an
   * in-process client may then answer with the object the resource's
   * watchers share (frozen) instead of a copy of it. A client over HTTP
   * decodes a new object for each answer anyway, and ignores it.
   */
  readOnlyAnswers?: boolean;
}

export interface KubeClient {
  resource<T extends KubeObject = KubeObject>(ref: ResourceRef, options?: ResourceClientOptions): ResourceClient<T>;
}

/** Errors from the client carry the Kubernetes Status the server answered with. */
export class ApiError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.name = 'ApiError';
  }
  get code(): number {
    return this.status.code;
  }
  get reason(): string | undefined {
    return this.status.reason;
  }
}

export function isApiError(err: unknown, reason?: string): err is ApiError {
  return err instanceof ApiError && (reason === undefined || err.reason === reason);
}
