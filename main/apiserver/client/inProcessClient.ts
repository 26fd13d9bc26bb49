// KubeClient for components running in PodLab's own process: the same
// Dispatcher kubectl's requests reach (authorization, admission, validation),
// without TLS and JSON in between.

import type { UserInfo } from '../auth/user.ts';
import type { Dispatcher } from '../dispatcher.ts';
import { StatusError } from '../errors.ts';
import type { KubeList, KubeObject } from '../../kube/meta.ts';
import type { ResourceRequestInfo, Verb } from '../requestInfo.ts';
import type { ClientWatchEvent, DeleteOptions, KubeClient, ListOptions, PatchType, ResourceClient, ResourceClientOptions, ResourceRef, WatchHandle, WatchOptions, WriteOptions } from '../../kube/client/types.ts';
import { ApiError } from '../../kube/client/types.ts';
import { componentUserAgent } from './userAgent.ts';

function query(options: object = {}): URLSearchParams {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(options)) if (value !== undefined && value !== '') q.set(key, String(value));
  return q;
}

function writeQuery(options: WriteOptions = {}): URLSearchParams {
  return query({ fieldValidation: options.fieldValidation, dryRun: options.dryRun ? 'All' : undefined });
}

async function unwrap<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof StatusError) throw new ApiError(err.status);
    throw err;
  }
}

class InProcessResourceClient<T extends KubeObject> implements ResourceClient<T> {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly user: UserInfo,
    private readonly ref: ResourceRef,
    private readonly userAgent: string,
    private readonly typedBodies: boolean,
    private readonly readOnlyAnswers: boolean,
  ) {}

  private info(verb: Verb, namespace: string | undefined, name = '', subresource = ''): ResourceRequestInfo {
    const { group, version, plural } = this.ref;
    return { isResourceRequest: true, path: `/${group ? `apis/${group}` : 'api'}/${version}/${plural}`, group, version, namespace: namespace ?? '', resource: plural, name, subresource, verb };
  }

  private async call(verb: Verb, namespace: string | undefined, name: string, subresource: string, q: URLSearchParams, body?: unknown, contentType?: string): Promise<unknown> {
    return unwrap(async () => {
      const result = await this.dispatcher.handle({ user: this.user, info: this.info(verb, namespace, name, subresource), query: q, body, contentType, userAgent: this.userAgent, ...(this.typedBodies ? { typedBody: true } : {}), ...(this.readOnlyAnswers ? { readOnlyAnswer: true } : {}) });
      if (result.type !== 'object') throw new Error(`unexpected ${result.type} result for ${verb}`);
      return result.object;
    });
  }

  async get(namespace: string | undefined, name: string, subresource = ''): Promise<T> {
    return (await this.call('get', namespace, name, subresource, query())) as T;
  }

  async list(namespace?: string, options: ListOptions = {}): Promise<KubeList<T>> {
    return (await this.call('list', namespace, '', '', query(options))) as KubeList<T>;
  }

  watch(namespace: string | undefined, options: WatchOptions, onEvent: (event: ClientWatchEvent<T>) => void): WatchHandle {
    let stopWatch: (() => void) | undefined;
    let stopped = false;
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const q = query({ labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, resourceVersion: options.resourceVersion, watch: 'true' });
    const finish = () => {
      stopped = true;
      resolveDone();
    };
    void (async () => {
      try {
        const result = await this.dispatcher.handle({ user: this.user, info: this.info('watch', namespace), query: q });
        if (result.type !== 'watch') throw new Error('watch did not start');
        const handle = await result.start(
          (event) => {
            if (!stopped) onEvent({ type: event.type, object: event.object as T });
          },
          (status) => {
            if (status && !stopped) onEvent({ type: 'ERROR', object: { ...status, metadata: status.metadata } as never });
            finish();
          },
        );
        if (stopped) handle.stop();
        else stopWatch = () => handle.stop();
      } catch (err) {
        const status = err instanceof StatusError ? err.status : new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: String(err), code: 500 }).status;
        if (!stopped) onEvent({ type: 'ERROR', object: status as never });
        finish();
      }
    })();
    return {
      stop: () => {
        if (stopped) return;
        stopWatch?.();
        finish();
      },
      done,
    };
  }

  async create(namespace: string | undefined, obj: T, options?: WriteOptions): Promise<T> {
    return (await this.call('create', namespace, '', '', writeQuery(options), obj)) as T;
  }

  async update(namespace: string | undefined, obj: T, options?: WriteOptions): Promise<T> {
    return (await this.call('update', namespace, obj.metadata.name ?? '', '', writeQuery(options), obj)) as T;
  }

  async updateStatus(namespace: string | undefined, obj: T): Promise<T> {
    return (await this.call('update', namespace, obj.metadata.name ?? '', 'status', query(), obj)) as T;
  }

  async patch(namespace: string | undefined, name: string, type: PatchType, patch: unknown, subresource = '', options?: WriteOptions): Promise<T> {
    return (await this.call('patch', namespace, name, subresource, writeQuery(options), patch, type)) as T;
  }

  async delete(namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<KubeObject> {
    return (await this.call('delete', namespace, name, '', query(), options)) as KubeObject;
  }

  async createSubresource(namespace: string | undefined, name: string, subresource: string, body: KubeObject): Promise<KubeObject> {
    return (await this.call('create', namespace, name, subresource, query(), body)) as KubeObject;
  }
}

export class InProcessClient implements KubeClient {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly user: UserInfo,
    /** Names the field manager of this client's writes; by default the Kubernetes component the user stands for. */
    private readonly userAgent = componentUserAgent(user),
    /** The objects it writes are built by PodLab's own typed code, never a user's document (ApiRequest.typedBody). */
    private readonly typedBodies = false,
  ) {}

  resource<T extends KubeObject = KubeObject>(ref: ResourceRef, options: ResourceClientOptions = {}): ResourceClient<T> {
    return new InProcessResourceClient<T>(this.dispatcher, this.user, ref, this.userAgent, this.typedBodies, options.readOnlyAnswers === true);
  }
}
