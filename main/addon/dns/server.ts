// The add-on's DNS server: UDP and TCP on one address and port (53 on the
// cluster DNS address in the add-on). TCP carries length-prefixed messages,
// several per connection (RFC 7766); idle connections are closed.

import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import { resolve, type ResolverState } from './resolver.ts';
import { lengthPrefix } from './upstream.ts';

const TCP_IDLE_MS = 10_000;

export class DnsServer {
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly connections = new Set<Socket>();

  /** `state` is read for every query, so configuration changes apply at once. */
  constructor(private readonly state: () => ResolverState) {}

  get udpPort(): number | undefined {
    return this.udp?.address().port;
  }

  get tcpPort(): number | undefined {
    const address = this.tcp?.address();
    return typeof address === 'object' && address ? address.port : undefined;
  }

  async listen(host: string, port: number): Promise<void> {
    const udp = createSocket('udp4');
    udp.on('message', (packet, from) => {
      resolve(packet, this.state(), 'udp').then(
        (answer) => answer && udp.send(answer, from.port, from.address),
        (error) => console.error(`dns: ${(error as Error).message}`),
      );
    });
    await new Promise<void>((ok, fail) => {
      udp.once('error', fail);
      udp.bind(port, host, () => {
        udp.off('error', fail);
        ok();
      });
    });
    udp.on('error', (error) => console.error(`dns udp: ${error.message}`));
    this.udp = udp;

    const tcp = createServer((socket) => this.serveTcp(socket));
    await new Promise<void>((ok, fail) => {
      tcp.once('error', fail);
      // The same port as UDP, also when `port` was 0.
      tcp.listen(udp.address().port, host, () => {
        tcp.off('error', fail);
        ok();
      });
    });
    this.tcp = tcp;
  }

  private serveTcp(socket: Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const packet = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + packet.length);
        resolve(packet, this.state(), 'tcp').then(
          (answer) => {
            if (answer && !socket.destroyed) socket.write(Buffer.concat([lengthPrefix(answer.length), answer]));
          },
          (error) => console.error(`dns: ${(error as Error).message}`),
        );
      }
    });
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await Promise.all([
      new Promise<void>((done) => (this.udp ? this.udp.close(() => done()) : done())),
      new Promise<void>((done) => (this.tcp ? this.tcp.close(() => done()) : done())),
    ]);
  }
}
