// The host tunnel's handshake. The host never reaches a pod by its IP; for
// ports a pod does not publish, it connects to the add-on's tunnel port
// (published on 127.0.0.1) and asks for a connection to an address on the
// cluster network:
//   client: PODLAB-TUNNEL/1 <token> <ip> <port>\n
//   add-on: OK\n            (then raw bytes both ways)
//       or: ERR <reason>\n  (then close)
// The token is the add-on container's secret: a local user without access
// to the Docker engine cannot use the tunnel.

import type { Socket } from 'node:net';

const MAGIC = 'PODLAB-TUNNEL/1';
const MAX_LINE = 512;

export interface TunnelRequest {
  token: string;
  address: string;
  port: number;
}

export function encodeTunnelRequest(request: TunnelRequest): string {
  return `${MAGIC} ${request.token} ${request.address} ${request.port}\n`;
}

export function parseTunnelRequest(line: string): TunnelRequest | undefined {
  const [magic, token, address, port, ...rest] = line.trim().split(' ');
  if (magic !== MAGIC || !token || !address || !port || rest.length > 0 || !/^\d+$/.test(port)) return undefined;
  const number = Number(port);
  return number >= 1 && number <= 65535 ? { token, address, port: number } : undefined;
}

/**
 * Reads one line, leaving whatever follows it in the socket (unshifted) for
 * the byte stream. Rejects on close or when no newline comes within MAX_LINE.
 */
export function readLine(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const cleanup = () => {
      socket.off('readable', onReadable);
      socket.off('end', onEnd);
      socket.off('error', onError);
    };
    const onEnd = () => {
      cleanup();
      reject(new Error('connection closed during the tunnel handshake'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while ((chunk = socket.read() as Buffer | null) !== null) {
        buffered = Buffer.concat([buffered, chunk]);
        const newline = buffered.indexOf(0x0a);
        if (newline >= 0) {
          cleanup();
          const rest = buffered.subarray(newline + 1);
          if (rest.length > 0) socket.unshift(rest);
          resolve(buffered.subarray(0, newline).toString('utf8'));
          return;
        }
        if (buffered.length > MAX_LINE) {
          cleanup();
          reject(new Error('tunnel handshake line too long'));
          return;
        }
      }
    };
    socket.on('readable', onReadable);
    socket.on('end', onEnd);
    socket.on('error', onError);
    onReadable();
  });
}
