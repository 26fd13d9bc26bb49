// Who may open browser mode's bridge WebSocket. A port on 127.0.0.1 is
// reachable by every web page the user visits (a page can open a WebSocket
// to any origin) and by every local user, which is how Lens's local
// terminal socket became CVE-2021-44458. So the upgrade needs both:
//
// - the random token from the URL `podlab serve` printed (sent as a
//   WebSocket subprotocol, so it never sits in a URL or a server log);
// - an Origin header equal to this server's own origin, so another site's
//   page cannot use a token it somehow learnt, and a Host header naming
//   127.0.0.1 with this port, so a DNS-rebound name cannot pose as it.

import { timingSafeEqual } from 'node:crypto';
import { wsPath, wsProtocol, wsTokenProtocolPrefix } from '../../preload/api.ts';

export interface UpgradeExpectation {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  token: string;
}

export type UpgradeDecision = { ok: true; protocol: string } | { ok: false; status: 400 | 401 | 403 | 404; reason: string };

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function checkUpgrade(request: { url?: string; headers: Record<string, string | string[] | undefined> }, expected: UpgradeExpectation): UpgradeDecision {
  const path = (request.url ?? '').split('?')[0];
  if (path !== wsPath) return { ok: false, status: 404, reason: 'no WebSocket here' };
  const host = request.headers.host;
  if (host !== new URL(expected.origin).host) return { ok: false, status: 403, reason: 'wrong Host' };
  if (request.headers.origin !== expected.origin) return { ok: false, status: 403, reason: 'the Origin is not this server' };
  const offered = String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim());
  if (!offered.includes(wsProtocol)) return { ok: false, status: 400, reason: `the client must offer the ${wsProtocol} subprotocol` };
  const token = offered.find((p) => p.startsWith(wsTokenProtocolPrefix))?.slice(wsTokenProtocolPrefix.length);
  if (!token || !sameSecret(token, expected.token)) return { ok: false, status: 401, reason: 'missing or wrong token' };
  return { ok: true, protocol: wsProtocol };
}
