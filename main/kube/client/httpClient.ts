// KubeClient over HTTPS, for an API server PodLab does not run (a context of
// the user's kubeconfig): the same REST paths, query parameters and Status
// errors kubectl uses. Watches read the chunked stream of JSON events line by
// line; an HTTP error before the stream starts (a 410 Gone for a too-old
// resourceVersion, a 403) arrives as one ERROR event, as a watch that the
// server ends with an ERROR does, and the handle is done.

import type { KubeList, KubeObject, Status } from '../meta.ts';
import type { EndpointSource } from './apiEndpoint.ts';
import { openRequest, requestJson, type ApiRequest } from './httpTransport.ts';
import type { ClientWatchEvent, DeleteOptions, KubeClient, ListOptions, PatchType, ResourceClient, ResourceRef, WatchHandle, WatchOptions, WriteOptions } from './types.ts';
import { isApiError } from './types.ts';

export function resourcePath(ref: ResourceRef, namespace: string | undefined, name = '', subresource = ''): string {
  const base = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const tail = name ? `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}` : '';
  return `${base}${ns}/${ref.plural}${tail}`;
}

export function queryString(options: object = {}): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(options)) if (value !== undefined && value !== '') q.set(key, String(value));
  const text = q.toString();
  return text ? `?${text}` : '';
}

function writeQuery(options: WriteOptions = {}): string {
  return queryString({ fieldValidation: options.fieldValidation, dryRun: options.dryRun ? 'All' : undefined });
}

function failureStatus(err: unknown): Status {
  if (isApiError(err)) return err.status;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'InternalError', message: (err as Error).message, code: 500 };
}

class HttpResourceClient<T extends KubeObject> implements ResourceClient<T> {
  constructor(
    private readonly source: EndpointSource,
    private readonly ref: ResourceRef,
  ) {}

  private json<R>(method: ApiRequest['method'], path: string, body?: unknown, contentType?: string): Promise<R> {
    return requestJson<R>(this.source, { method, path, body, contentType });
  }

  get(namespace: string | undefined, name: string, subresource = ''): Promise<T> {
    return this.json('GET', resourcePath(this.ref, namespace, name, subresource));
  }

  list(namespace?: string, options: ListOptions = {}): Promise<KubeList<T>> {
    return this.json('GET', resourcePath(this.ref, namespace) + queryString(options));
  }

  watch(namespace: string | undefined, options: WatchOptions, onEvent: (event: ClientWatchEvent<T>) => void): WatchHandle {
    const abort = new AbortController();
    let stopped = false;
    const deliver = (event: ClientWatchEvent<T>) => {
      if (!stopped) onEvent(event);
    };
    const path = resourcePath(this.ref, namespace) + queryString({ ...options, allowWatchBookmarks: options.allowWatchBookmarks ? 'true' : undefined, watch: 'true' });
    const done = (async () => {
      try {
        const res = await openRequest(this.source, { method: 'GET', path, signal: abort.signal });
        res.setEncoding('utf8');
        let partial = '';
        for await (const chunk of res as AsyncIterable<string>) {
          const lines = (partial + chunk).split('\n');
          partial = lines.pop()!;
          for (const line of lines) if (line.trim()) deliver(JSON.parse(line) as ClientWatchEvent<T>);
        }
      } catch (err) {
        if (!abort.signal.aborted) deliver({ type: 'ERROR', object: failureStatus(err) as Status & KubeObject });
      } finally {
        stopped = true;
      }
    })();
    return {
      stop: () => {
        stopped = true;
        abort.abort();
      },
      done,
    };
  }

  create(namespace: string | undefined, obj: T, options?: WriteOptions): Promise<T> {
    return this.json('POST', resourcePath(this.ref, namespace) + writeQuery(options), obj);
  }

  update(namespace: string | undefined, obj: T, options?: WriteOptions): Promise<T> {
    return this.json('PUT', resourcePath(this.ref, namespace, obj.metadata.name ?? '') + writeQuery(options), obj);
  }

  updateStatus(namespace: string | undefined, obj: T): Promise<T> {
    return this.json('PUT', resourcePath(this.ref, namespace, obj.metadata.name ?? '', 'status'), obj);
  }

  patch(namespace: string | undefined, name: string, type: PatchType, patch: unknown, subresource = '', options?: WriteOptions): Promise<T> {
    return this.json('PATCH', resourcePath(this.ref, namespace, name, subresource) + writeQuery(options), patch, type);
  }

  delete(namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<KubeObject> {
    return this.json('DELETE', resourcePath(this.ref, namespace, name), { kind: 'DeleteOptions', apiVersion: 'v1', ...options });
  }

  createSubresource(namespace: string | undefined, name: string, subresource: string, body: KubeObject): Promise<KubeObject> {
    return this.json('POST', resourcePath(this.ref, namespace, name, subresource), body);
  }
}

export class HttpKubeClient implements KubeClient {
  constructor(private readonly source: EndpointSource) {}

  resource<T extends KubeObject = KubeObject>(ref: ResourceRef): ResourceClient<T> {
    return new HttpResourceClient<T>(this.source, ref);
  }
}
