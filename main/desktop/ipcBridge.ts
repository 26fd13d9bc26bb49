// The bridge over Electron IPC: one BridgeSession per window contents, every
// call checked against its sender frame, events pushed back to that window.
// A reload or a crash of the page ends its watches and streams.

import { ipcMain, type WebContents } from 'electron';
import { ipcChannels } from '../../preload/api.ts';
import { BridgeSession } from '../ui/bridgeSession.ts';
import type { UiHost } from '../ui/uiHost.ts';
import { isTrustedSender } from './ipcSender.ts';

export function wireBridge(host: UiHost): void {
  const sessions = new Map<number, BridgeSession>();
  const end = (contents: WebContents) => {
    sessions.get(contents.id)?.dispose();
    sessions.delete(contents.id);
  };
  const sessionFor = (contents: WebContents) => {
    let session = sessions.get(contents.id);
    if (session) return session;
    session = new BridgeSession(host, (event, payload) => {
      if (!contents.isDestroyed()) contents.send(ipcChannels.event, event, payload);
    });
    sessions.set(contents.id, session);
    contents.once('destroyed', () => end(contents));
    contents.once('did-navigate', () => end(contents));
    contents.once('render-process-gone', () => end(contents));
    return session;
  };
  ipcMain.handle(ipcChannels.call, (event, name: unknown, request: unknown) => {
    if (!isTrustedSender(event.senderFrame)) return { error: { message: 'refused: only PodLab\'s own page may use the bridge' } };
    return sessionFor(event.sender).call(name, request);
  });
}
