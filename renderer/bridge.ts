// The renderer's one way to the main side. In the desktop app the preload
// script provides `window.podlab`; in a browser the same contract runs over
// a WebSocket (wsTransport.ts). Either way: calls resolve with their result
// or throw a BridgeError carrying the Kubernetes Status, and stream events
// (watch, logs, exec, probes) that arrive before their id is known are kept
// briefly so none is lost.

import type { BridgeErrorInfo, BridgeEvents, CallName, CallRequest, CallResponse, EventName, PodlabTransport, Status } from '../preload/api.ts';
import { webSocketTransport, type ConnectionState } from './wsTransport.ts';

declare global {
  interface Window {
    podlab?: PodlabTransport;
  }
}

export class BridgeError extends Error {
  readonly status?: Status;
  constructor(info: BridgeErrorInfo) {
    super(info.message);
    this.name = 'BridgeError';
    this.status = info.status;
  }
}

export function tokenFromLocation(hash = location.hash): string | undefined {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? undefined;
}

type StreamEvent = 'watch' | 'logs' | 'exec' | 'probes';
const idField = { watch: 'watchId', logs: 'streamId', exec: 'sessionId', probes: 'followId' } as const;
const earlyKeepMs = 5000;

export interface Bridge {
  call<K extends CallName>(name: K, ...request: CallRequest<K> extends void ? [] : [CallRequest<K>]): Promise<CallResponse<K>>;
  on<E extends EventName>(event: E, listener: (payload: BridgeEvents[E]) => void): () => void;
  /** Events of one watch, log stream, exec session or probe follow, including any that came before its id was known. */
  stream<E extends StreamEvent>(event: E, id: string, listener: (payload: BridgeEvents[E]) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

export function createBridge(transport: PodlabTransport, onConnection: Bridge['onConnection']): Bridge {
  const claimed = new Map<string, (payload: never) => void>();
  const early = new Map<string, Array<{ at: number; payload: unknown }>>();
  for (const event of Object.keys(idField) as StreamEvent[]) {
    transport.on(event, (payload) => {
      const id = (payload as unknown as Record<string, string>)[idField[event]];
      const listener = claimed.get(`${event}:${id}`);
      if (listener) return listener(payload as never);
      const now = Date.now();
      const kept = (early.get(`${event}:${id}`) ?? []).filter((e) => now - e.at < earlyKeepMs);
      kept.push({ at: now, payload });
      early.set(`${event}:${id}`, kept);
    });
  }
  return {
    async call(name, ...request) {
      const envelope = await transport.invoke(name, request[0] as never);
      if ('error' in envelope) throw new BridgeError(envelope.error);
      return envelope.result;
    },
    on: (event, listener) => transport.on(event, listener),
    stream(event, id, listener) {
      const key = `${event}:${id}`;
      claimed.set(key, listener as (payload: never) => void);
      for (const { payload } of early.get(key) ?? []) listener(payload as never);
      early.delete(key);
      return () => claimed.delete(key);
    },
    onConnection,
  };
}

function connect(): Bridge | undefined {
  if (window.podlab) return createBridge(window.podlab, (listener) => (listener('open'), () => undefined));
  const token = tokenFromLocation();
  if (!token) return undefined;
  const transport = webSocketTransport(token);
  return createBridge(transport, (listener) => transport.onState(listener));
}

/** Undefined in a browser without the token: the page then shows only how to get in. */
export const bridge: Bridge | undefined = connect();

export function requireBridge(): Bridge {
  if (!bridge) throw new Error('no bridge');
  return bridge;
}

export function errorInfo(err: unknown): BridgeErrorInfo {
  if (err instanceof BridgeError) return err.status ? { message: err.message, status: err.status } : { message: err.message };
  return { message: err instanceof Error ? err.message : String(err) };
}

/** The API server does not serve the kind at all (404 on its list): views leave it out rather than show an error. */
export function isNotServed(error: BridgeErrorInfo | undefined): boolean {
  return error?.status?.code === 404 && error.status.reason === 'NotFound';
}
