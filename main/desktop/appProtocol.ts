// Serves the built renderer on app://podlab/ with the same strict CSP as
// browser mode (no WebSocket to allow here: the bridge is IPC).

import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { contentSecurityPolicy } from '../ui/csp.ts';
import { securityHeaders } from '../ui/staticFiles.ts';
import { appHost, appScheme } from './appOrigin.ts';

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.map': 'application/json' };

/**
 * Must run before the app is ready. `codeCache`: Chromium keeps V8's compiled
 * code only for http(s) scripts unless a standard scheme asks for it, so
 * without it every launch compiles the renderer's scripts afresh. In browser
 * mode on this machine, compiling and running the first one was ~300 ms of
 * the page's load when it was 790 KB (it is 377 KB now). Not measured in the
 * window itself here (no Electron binary).
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
}

export function serveRenderer(rendererDir: string): void {
  const headers = securityHeaders(contentSecurityPolicy());
  protocol.handle(appScheme, async (request) => {
    const url = new URL(request.url);
    const file = normalize(join(rendererDir, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)));
    if (url.host !== appHost || !file.startsWith(rendererDir + sep)) return new Response('not found', { status: 404, headers });
    try {
      return new Response(await readFile(file), { headers: { ...headers, 'Content-Type': types[extname(file)] ?? 'application/octet-stream' } });
    } catch {
      return new Response('not found', { status: 404, headers });
    }
  });
}
