// Every IPC call is checked against the frame that sent it: only PodLab's own
// top-level page may use the bridge. A frame that navigated elsewhere (or an
// iframe of another origin, should one ever load) gets nothing.

import { appOrigin } from './appOrigin.ts';

export interface SenderFrame {
  url: string;
  /** null for the top-level frame. */
  parent: unknown;
}

export function isTrustedSender(frame: SenderFrame | null | undefined, origin = appOrigin): boolean {
  if (!frame || frame.parent) return false;
  let url: URL;
  try {
    url = new URL(frame.url);
  } catch {
    return false;
  }
  return `${url.protocol}//${url.host}` === origin;
}
