// Forwarding names outside the cluster domain to the resolvers the main
// process configured (on users' machines: Docker's embedded DNS at
// 127.0.0.11, which answers with the host's resolver). The query goes out as
// it came in and the answer comes back as it is, over the transport the
// client used, so truncation and EDNS stay the upstream's business.

import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

const DNS_PORT = 53;
const TIMEOUT_MS = 2000;

/** `1.2.3.4` or `1.2.3.4:5353`. */
export function parseServer(server: string): { host: string; port: number } {
  const match = /^(.*):(\d+)$/.exec(server);
  return match ? { host: match[1]!, port: Number(match[2]) } : { host: server, port: DNS_PORT };
}

/** The first upstream answer, trying the servers in order; undefined when none answered. */
export async function forwardQuery(query: Buffer, servers: string[], transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
  for (const server of servers) {
    const target = parseServer(server);
    try {
      return await (transport === 'udp' ? overUdp(query, target) : overTcp(query, target));
    } catch {
      // The next server may answer.
    }
  }
  return undefined;
}

function overUdp(query: Buffer, target: { host: string; port: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => finish(new Error('upstream timed out')), TIMEOUT_MS);
    const finish = (error?: Error, answer?: Buffer) => {
      clearTimeout(timer);
      socket.close();
      if (answer) resolve(answer);
      else reject(error);
    };
    socket.on('error', (error) => finish(error));
    socket.on('message', (message) => {
      // Only the answer to this query: same ID.
      if (message.length >= 2 && message.readUInt16BE(0) === query.readUInt16BE(0)) finish(undefined, message);
    });
    socket.send(query, target.port, target.host);
  });
}

function overTcp(query: Buffer, target: { host: string; port: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(target.port, target.host);
    let received = Buffer.alloc(0);
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('upstream timed out')));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(Buffer.concat([lengthPrefix(query.length), query])));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        resolve(received.subarray(2, 2 + received.readUInt16BE(0)));
        socket.destroy();
      }
    });
    socket.on('close', () => reject(new Error('upstream closed the connection')));
  });
}

export function lengthPrefix(length: number): Buffer {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(length);
  return prefix;
}
