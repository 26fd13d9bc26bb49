// Serves the built renderer (dist/renderer) in browser mode: GET only, no
// path outside the directory, strict security headers on every answer.

import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export function securityHeaders(csp: string): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

const notBuilt = `<!doctype html><meta charset="utf-8"><title>PodLab</title>
<p>The PodLab UI has not been built. Run <code>node scripts/build-renderer.js</code> (or <code>npm start</code>, which builds it), then reload this page.</p>`;

export function serveStatic(rendererDir: string, csp: string, req: IncomingMessage, res: ServerResponse): void {
  const headers = securityHeaders(csp);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
    return;
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400, { ...headers, 'Content-Type': 'text/plain' }).end('bad path\n');
    return;
  }
  if (path === '/' || path === '') path = '/index.html';
  const file = normalize(join(rendererDir, path));
  if (!file.startsWith(rendererDir + sep)) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  if (!existsSync(file) || !statSync(file).isFile()) {
    if (path === '/index.html') res.writeHead(503, { ...headers, 'Content-Type': 'text/html; charset=utf-8' }).end(notBuilt);
    else res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  const body = readFileSync(file);
  // Built assets carry a content hash in their names; the page itself must always be fresh.
  const cache = path === '/index.html' ? 'no-store' : 'public, max-age=31536000, immutable';
  res.writeHead(200, { ...headers, 'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length, 'Cache-Control': cache });
  res.end(req.method === 'HEAD' ? undefined : body);
}
