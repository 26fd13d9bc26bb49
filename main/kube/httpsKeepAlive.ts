// Node 20's HTTP server lets its parser read a TLS socket directly. When it
// pauses that parser because an answer has not drained yet, a next request's
// body that arrives anyway meets the paused parser (HPE_PAUSED) and the
// connection is reset: clients sending large writes in a row over a
// kept-alive connection saw ECONNRESET (test/kubectl/keep-alive.test.ts).
// With a 'data' listener on the socket the server reads through the socket's
// stream instead, which pauses for real.

import type { Server } from 'node:https';

export function keepAliveSafe(server: Server): Server {
  server.on('secureConnection', (socket) => socket.on('data', () => undefined));
  return server;
}
