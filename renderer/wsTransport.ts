// Browser mode's transport: the bridge contract over one WebSocket to the
// server that served this page. The token travels as a subprotocol (never in
// a URL); a socket that never opens means the server refused it.

import type { BridgeEvents, CallName, CallRequest, CallResponse, Envelope, EventName, PodlabTransport, ServerMessage } from '../preload/api.ts';
import { wsPath, wsProtocol, wsTokenProtocolPrefix } from '../preload/api.ts';

export type ConnectionState = 'connecting' | 'open' | 'refused' | 'lost';

export interface WebSocketTransport extends PodlabTransport {
  onState(listener: (state: ConnectionState) => void): () => void;
}

export function webSocketTransport(token: string): WebSocketTransport {
  let nextId = 1;
  let state: ConnectionState = 'connecting';
  const pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const ws = new WebSocket(`ws://${location.host}${wsPath}`, [wsProtocol, `${wsTokenProtocolPrefix}${token}`]);
  let opened = false;
  const opening = new Promise<void>((resolve) => ws.addEventListener('open', () => resolve()));

  const setState = (next: ConnectionState) => {
    state = next;
    for (const listener of stateListeners) listener(next);
  };
  ws.addEventListener('open', () => {
    opened = true;
    setState('open');
  });
  ws.addEventListener('close', () => {
    setState(opened ? 'lost' : 'refused');
    const message = opened ? 'the connection to podlab serve was lost: is it still running? Reload the page once it is.' : 'podlab serve refused the connection: open the exact URL it printed (with its #token).';
    for (const resolve of pending.values()) resolve({ error: { message } });
    pending.clear();
  });
  ws.addEventListener('message', (e) => {
    const message = JSON.parse(String(e.data)) as ServerMessage;
    if ('event' in message) {
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
    } else {
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    }
  });

  return {
    async invoke<K extends CallName>(name: K, request: CallRequest<K>): Promise<Envelope<CallResponse<K>>> {
      if (state === 'connecting') await opening;
      if (ws.readyState !== WebSocket.OPEN) return { error: { message: 'not connected to podlab serve: reload the page' } };
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as (envelope: Envelope<unknown>) => void);
        ws.send(JSON.stringify({ id, call: name, request }));
      });
    },
    on<E extends EventName>(event: E, listener: (payload: BridgeEvents[E]) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    onState(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },
  };
}
