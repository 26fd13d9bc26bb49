// PodStreams over the Kubernetes API itself, as kubectl reaches them:
// GET pods/NAME/log (chunked text) and pods/NAME/exec over a WebSocket with
// the v5.channel.k8s.io subprotocol (first byte of each message: 0 stdin,
// 1 stdout, 2 stderr, 3 the final Status, 4 terminal size); a pod's port
// through pods/NAME/portforward (podPortTunnel.ts). Going through the
// API server rather than the runtime keeps the UI a client like any other:
// the same code serves a remote cluster from a kubeconfig, and whatever the
// API answers (403, 404, 503 "no container runtime is serving node ...")
// reaches the user as is.

import type { IncomingMessage } from 'node:http';
import { request } from 'node:https';
import type WebSocket from 'ws';
import { lazyModule } from '../lazyModule.ts';
import type { Status } from '../../preload/api.ts';
import { connectionOptions, fixedEndpoint, type ApiEndpoint, type EndpointSource } from '../kube/client/apiEndpoint.ts';
import { apiFailure, rejectRefusedUpgrade } from './apiFailure.ts';
import { BridgeFailure } from './bridgeError.ts';
import { openPodPortTunnel } from './podPortTunnel.ts';
import type { PodExecSession, PodLogOptions, PodStreams } from './podStreams.ts';

// Loaded on first use, not when PodLab starts: the API server answers before anything needs it.
const wsPackage = lazyModule<typeof WebSocket>('ws');

const channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4 } as const;

function podPath(namespace: string, pod: string, subresource: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/${subresource}`;
}

/** A queue an async iterator reads from: what a callback API pushes, a for-await loop pulls. */
function pushIterable<T>() {
  const items: T[] = [];
  let waiting: ((result: IteratorResult<T>) => void) | undefined;
  let failure: ((err: Error) => void) | undefined;
  let ended = false;
  let error: Error | undefined;
  return {
    push(item: T) {
      if (waiting) {
        const resolve = waiting;
        waiting = undefined;
        failure = undefined;
        resolve({ value: item, done: false });
      } else items.push(item);
    },
    end(err?: Error) {
      ended = true;
      error = err;
      if (waiting) {
        const [resolve, reject] = [waiting, failure!];
        waiting = undefined;
        failure = undefined;
        if (err) reject(err);
        else resolve({ value: undefined, done: true });
      }
    },
    iterable: {
      [Symbol.asyncIterator]: () => ({
        next: () =>
          new Promise<IteratorResult<T>>((resolve, reject) => {
            if (items.length > 0) return resolve({ value: items.shift()!, done: false });
            if (ended) return error ? reject(error) : resolve({ value: undefined, done: true });
            waiting = resolve;
            failure = reject;
          }),
      }),
    } as AsyncIterable<T>,
  };
}

/** The exit code a remotecommand Status carries: Success is 0, NonZeroExitCode names it in a cause. */
export function exitCodeOf(status: Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (status.reason === 'NonZeroExitCode' && cause?.message) return Number(cause.message);
  throw new BridgeFailure(status.message ?? 'the command failed', status);
}

/**
 * Opens a stream with the source's credentials and, after a 401, once more
 * with fresh ones: an exec plugin's cached token can be refused before the
 * expiry it gave, and client-go then runs the plugin again for any request,
 * a log stream or an upgrade included, as openRequest does for the others.
 */
async function withFreshCredentials<T>(source: EndpointSource, open: (endpoint: ApiEndpoint) => Promise<T>): Promise<T> {
  try {
    return await open(await source.current());
  } catch (err) {
    if (!(err instanceof BridgeFailure) || err.status?.code !== 401) throw err;
    source.invalidate();
    return open(await source.current());
  }
}

/** The response of a log request that the API server accepted; rejects with its refusal. */
function openLog(endpoint: ApiEndpoint, path: string, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(`${endpoint.url}${path}`, { ...connectionOptions(endpoint), signal }, (res) => {
      if (res.statusCode === 200) return resolve(res);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => reject(apiFailure(res.statusCode ?? 500, body)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** `endpoint`: fixed credentials, or a source that renews them (a kubeconfig user's exec plugin). */
export function kubePodStreams(endpoint: ApiEndpoint | EndpointSource): PodStreams {
  const source = 'current' in endpoint ? endpoint : fixedEndpoint(endpoint);
  return {
    logs(namespace, pod, options: PodLogOptions) {
      const query = new URLSearchParams({ container: options.container });
      if (options.follow) query.set('follow', 'true');
      if (options.previous) query.set('previous', 'true');
      if (options.timestamps) query.set('timestamps', 'true');
      if (options.tailLines !== undefined) query.set('tailLines', String(options.tailLines));
      const out = pushIterable<string>();
      void withFreshCredentials(source, (endpoint) => openLog(endpoint, `${podPath(namespace, pod, 'log')}?${query}`, options.signal)).then(
        (res) => {
          res.setEncoding('utf8');
          // Whole lines only, so a terminal never gets half a line to redraw.
          let partial = '';
          res.on('data', (chunk: string) => {
            const text = partial + chunk;
            const cut = text.lastIndexOf('\n') + 1;
            partial = text.slice(cut);
            if (cut > 0) out.push(text.slice(0, cut));
          });
          res.on('end', () => {
            if (partial) out.push(partial);
            out.end();
          });
          res.on('error', (err) => out.end(options.signal.aborted ? undefined : err));
        },
        (err: Error) => out.end(options.signal.aborted ? undefined : err),
      );
      return out.iterable;
    },

    exec(namespace, pod, container, command, tty) {
      return withFreshCredentials(source, (endpoint) => openExec(endpoint, namespace, pod, container, command, tty));
    },

    portForward(namespace, pod, port) {
      return withFreshCredentials(source, (endpoint) => openPodPortTunnel(endpoint, namespace, pod, port));
    },
  };
}

/** An exec session over a WebSocket (v5.channel.k8s.io); rejects with the API server's refusal of the upgrade. */
function openExec(endpoint: ApiEndpoint, namespace: string, pod: string, container: string, command: string[], tty: boolean): Promise<PodExecSession> {
  const query = new URLSearchParams({ container, stdin: 'true', stdout: 'true', tty: String(tty) });
  if (!tty) query.set('stderr', 'true');
  for (const part of command) query.append('command', part);
  const ws = new (wsPackage())(`${endpoint.url.replace(/^http/, 'ws')}${podPath(namespace, pod, 'exec')}?${query}`, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], connectionOptions(endpoint));
  const output = pushIterable<string>();
  const decoder = { [channel.stdout]: new TextDecoder(), [channel.stderr]: new TextDecoder() };
  let resolveExit!: (code: number) => void;
  let rejectExit!: (err: Error) => void;
  const exit = new Promise<number>((resolve, reject) => ((resolveExit = resolve), (rejectExit = reject)));
  exit.catch(() => undefined);
  return new Promise<PodExecSession>((resolve, reject) => {
    rejectRefusedUpgrade(ws, { namespace, subresource: 'exec' }, reject);
    ws.on('error', (err) => {
      reject(err);
      output.end(err);
      rejectExit(err);
    });
    ws.on('message', (data: Buffer) => {
      const stream = data[0];
      const payload = data.subarray(1);
      if (stream === channel.stdout || stream === channel.stderr) output.push(decoder[stream].decode(payload, { stream: true }));
      else if (stream === channel.error) {
        try {
          resolveExit(exitCodeOf(JSON.parse(payload.toString()) as Status));
        } catch (err) {
          rejectExit(err as Error);
        }
      }
    });
    ws.on('close', () => {
      output.end();
      rejectExit(new BridgeFailure('the connection ended before the command reported its exit'));
    });
    ws.on('open', () =>
      resolve({
        write: (data) => ws.send(Buffer.concat([Buffer.from([channel.stdin]), Buffer.from(data)])),
        output: output.iterable,
        resize: (columns, rows) => ws.send(Buffer.concat([Buffer.from([channel.resize]), Buffer.from(JSON.stringify({ Width: columns, Height: rows }))])),
        exit,
        close: () => ws.close(),
      }),
    );
  });
}
