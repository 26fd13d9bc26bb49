// The tunnel's add-on side: checks the token, connects to the requested
// address, which must be on the cluster network (the tunnel is no way out to
// anywhere else), answers OK and joins the two connections.

import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { inSubnet } from './ipv4.ts';
import { dialTcp, splice } from './splice.ts';
import { parseTunnelRequest, readLine } from './tunnelProtocol.ts';

const HANDSHAKE_TIMEOUT_MS = 5000;

export function startTunnel(port: number, token: string, subnet: () => string | undefined): Promise<Server> {
  const expected = Buffer.from(token);
  const server = createServer({ allowHalfOpen: true }, (client) => {
    handle(client).catch((error: Error) => {
      if (!client.destroyed) client.end(`ERR ${error.message.replace(/\n/g, ' ')}\n`);
    });
  });

  async function handle(client: Socket): Promise<void> {
    client.on('error', () => client.destroy());
    client.setTimeout(HANDSHAKE_TIMEOUT_MS, () => client.destroy());
    const request = parseTunnelRequest(await readLine(client));
    if (!request) throw new Error('malformed tunnel request');
    const given = Buffer.from(request.token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('wrong tunnel token');
    const network = subnet();
    if (!network || !inSubnet(request.address, network)) throw new Error(`${request.address} is not on the cluster network`);
    const upstream = await dialTcp(request);
    client.setTimeout(0);
    client.write('OK\n');
    splice(client, upstream);
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
