// The preload script (sandboxed): exposes the bridge contract as
// `window.podlab` and nothing else — no ipcRenderer, no Node.js.

import { contextBridge, ipcRenderer } from 'electron';
import { eventNames, ipcChannels, type EventName, type PodlabTransport } from './api.ts';

const listeners = new Map<EventName, Set<(payload: unknown) => void>>(eventNames.map((name) => [name, new Set()]));

ipcRenderer.on(ipcChannels.event, (_event, name: EventName, payload: unknown) => {
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const podlab: PodlabTransport = {
  invoke: (name, request) => ipcRenderer.invoke(ipcChannels.call, name, request),
  on(event, listener) {
    const set = listeners.get(event);
    if (!set) throw new Error(`unknown bridge event ${String(event)}`);
    set.add(listener as (payload: unknown) => void);
    return () => void set.delete(listener as (payload: unknown) => void);
  },
};

contextBridge.exposeInMainWorld('podlab', podlab);
