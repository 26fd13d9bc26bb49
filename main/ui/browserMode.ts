// Browser mode: the same UI as the desktop app, served on 127.0.0.1 to a
// normal browser, with the bridge contract carried over one WebSocket.
// The URL it returns carries a random token in its fragment (`#token=...`):
// browsers never send a fragment to the server, so the token stays out of
// request lines, logs, Referer headers and proxies; the page hands it over
// as a WebSocket subprotocol. See upgradeAuth.ts for what the upgrade checks.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { lazyModule } from '../lazyModule.ts';
import { wsProtocol, type ClientMessage } from '../../preload/api.ts';
import { BridgeSession } from './bridgeSession.ts';
import { contentSecurityPolicy } from './csp.ts';
import { appPaths } from '../appPaths.ts';
import { serveStatic } from './staticFiles.ts';
import type { UiHost } from './uiHost.ts';
import { checkUpgrade } from './upgradeAuth.ts';

// Loaded on first use, not when PodLab starts: the API server answers before anything needs it.
const wsPackage = lazyModule<{ WebSocketServer: typeof WebSocketServer }>('ws');

export interface BrowserModeOptions {
  /** 0 or absent: any free port. */
  port?: number;
  rendererDir?: string;
}

export interface BrowserMode {
  /** `http://127.0.0.1:PORT/#token=...`: the only way in. */
  url: string;
  close(): Promise<void>;
}

const maxMessageBytes = 8 * 1024 * 1024;
const statusText: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${statusText[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason) + 1}\r\n\r\n${reason}\n`);
}

function serveSession(ws: WebSocket, session: BridgeSession): void {
  ws.on('message', (data, isBinary) => {
    if (isBinary) return ws.close(1003, 'text frames only');
    let message: ClientMessage;
    try {
      message = JSON.parse(data.toString()) as ClientMessage;
    } catch {
      return ws.close(1007, 'not JSON');
    }
    if (typeof message?.id !== 'number') return ws.close(1008, 'a call needs a numeric id');
    void session.call(message.call, message.request).then((envelope) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: message.id, ...envelope }));
    });
  });
  ws.on('close', () => session.dispose());
}

/** Serves the UI for `host` (`podlab serve`'s one cluster, or the app's ClusterHost for `podlab ui`). */
export async function startBrowserMode(host: UiHost, options: BrowserModeOptions = {}): Promise<BrowserMode> {
  const token = randomBytes(32).toString('base64url');
  const rendererDir = options.rendererDir ?? appPaths.renderer;
  let origin = '';
  let csp = '';
  const server = createServer((req, res) => {
    if (req.headers.host !== new URL(origin).host) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end(`open ${origin}/ (the URL podlab serve printed)\n`);
      return;
    }
    serveStatic(rendererDir, csp, req, res);
  });
  const wss = new (wsPackage().WebSocketServer)({ noServer: true, maxPayload: maxMessageBytes, handleProtocols: (protocols) => (protocols.has(wsProtocol) ? wsProtocol : false) });
  const sessions = new Set<BridgeSession>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const decision = checkUpgrade(req, { origin, token });
    if (!decision.ok) return refuse(socket, decision.status, decision.reason);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new BridgeSession(host, (event, payload) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
      });
      sessions.add(session);
      ws.on('close', () => sessions.delete(session));
      serveSession(ws, session);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  origin = `http://127.0.0.1:${port}`;
  csp = contentSecurityPolicy([`ws://127.0.0.1:${port}`]);
  return {
    url: `${origin}/#token=${token}`,
    close: async () => {
      // At once, not on each socket's close event: a session's port forwards must not outlive the UI server.
      for (const session of sessions) session.dispose();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
