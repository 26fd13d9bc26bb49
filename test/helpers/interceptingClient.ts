// A KubeClient in front of a real one (the in-process API server) that lets a
// test do what a server or network can do to a client: fail a call, or end
// open watches. Everything else goes through unchanged.

import type { ClientWatchEvent, KubeClient, ResourceClient, ResourceClientOptions, ResourceRef, WatchHandle, WatchOptions } from '../../main/kube/client/types.ts';
import type { KubeObject } from '../../main/kube/meta.ts';

export interface Call {
  plural: string;
  method: keyof ResourceClient;
  args: unknown[];
}

/** Returns an error to fail the call with, or undefined to let it through. */
export type Interceptor = (call: Call) => Error | undefined;

export class InterceptingClient implements KubeClient {
  private readonly interceptors: Interceptor[] = [];
  private readonly watches = new Set<WatchHandle>();
  private held: (() => void)[] | undefined;
  /** Every call made through this client but watches, in order: for tests that count requests. */
  readonly calls: Call[] = [];

  constructor(private readonly inner: KubeClient) {}

  /** Fails the next call that `matches` with `error`. */
  failOnce(matches: (call: Call) => boolean, error: Error): void {
    const interceptor: Interceptor = (call) => {
      if (!matches(call)) return undefined;
      this.interceptors.splice(this.interceptors.indexOf(interceptor), 1);
      return error;
    };
    this.interceptors.push(interceptor);
  }

  /** Ends every open watch from the server side, as a timeout or an API server restart does. */
  endWatches(): void {
    for (const handle of [...this.watches]) handle.stop();
  }

  get openWatches(): number {
    return this.watches.size;
  }

  /** New watches wait until the returned function is called, as when the server is unreachable for a while. */
  holdWatches(): () => void {
    const held: (() => void)[] = [];
    this.held = held;
    return () => {
      this.held = undefined;
      for (const start of held) start();
    };
  }

  resource<T extends KubeObject = KubeObject>(ref: ResourceRef, options?: ResourceClientOptions): ResourceClient<T> {
    const inner = this.inner.resource<T>(ref, options);
    const intercept = (method: keyof ResourceClient, args: unknown[]) => {
      this.calls.push({ plural: ref.plural, method, args });
      for (const interceptor of [...this.interceptors]) {
        const error = interceptor({ plural: ref.plural, method, args });
        if (error) return error;
      }
      return undefined;
    };
    const wrap =
      <A extends unknown[], R>(method: keyof ResourceClient, fn: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        const error = intercept(method, args);
        if (error) throw error;
        return fn(...args);
      };
    return {
      get: wrap('get', inner.get.bind(inner)),
      list: wrap('list', inner.list.bind(inner)),
      create: wrap('create', inner.create.bind(inner)),
      update: wrap('update', inner.update.bind(inner)),
      updateStatus: wrap('updateStatus', inner.updateStatus.bind(inner)),
      patch: wrap('patch', inner.patch.bind(inner)),
      delete: wrap('delete', inner.delete.bind(inner)),
      createSubresource: wrap('createSubresource', inner.createSubresource.bind(inner)),
      watch: (namespace: string | undefined, options: WatchOptions, onEvent: (event: ClientWatchEvent<T>) => void): WatchHandle => {
        let handle: WatchHandle | undefined;
        let stopped = false;
        let ended!: () => void;
        const done = new Promise<void>((resolve) => (ended = resolve));
        const begin = () => {
          if (stopped) return;
          handle = inner.watch(namespace, options, onEvent);
          this.watches.add(handle);
          void handle.done.then(() => {
            this.watches.delete(handle!);
            ended();
          });
        };
        if (this.held) this.held.push(begin);
        else begin();
        return {
          stop: () => {
            stopped = true;
            if (handle) handle.stop();
            else ended();
          },
          done,
        };
      },
    };
  }
}
