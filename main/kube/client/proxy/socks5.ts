// A tunnel through a SOCKS5 proxy (RFC 1928): no authentication, or the
// username/password login of RFC 1929 when the proxy URL carries a user. A
// host name is sent as a name, so the proxy resolves it (as Go's SOCKS dialer
// does); the reply codes become messages that say what the proxy refused.

import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ProxyUrl } from './proxyUrl.ts';
import { ProxyError } from './proxyUrl.ts';
import { SocketReader } from './socketReader.ts';

const noAuth = 0x00;
const userPass = 0x02;
const noAcceptable = 0xff;

const replies: Record<number, string> = {
  1: 'general SOCKS server failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

function address(host: string): Buffer {
  const family = isIP(host);
  if (family === 4) return Buffer.from([0x01, ...host.split('.').map(Number)]);
  if (family === 6) {
    const groups = host.split('::');
    const head = groups[0] ? groups[0].split(':') : [];
    const tail = groups.length > 1 && groups[1] ? groups[1].split(':') : [];
    const words = [...head, ...Array(8 - head.length - tail.length).fill('0'), ...tail].map((w) => parseInt(w, 16));
    const out = Buffer.alloc(17);
    out[0] = 0x04;
    words.forEach((w, i) => out.writeUInt16BE(w, 1 + i * 2));
    return out;
  }
  const name = Buffer.from(host);
  return Buffer.concat([Buffer.from([0x03, name.length]), name]);
}

/** Runs the SOCKS5 handshake on `socket` (already connected to the proxy) and resolves with it once connected to host:port. */
export async function socks5Connect(socket: Duplex, proxy: ProxyUrl, host: string, port: number): Promise<Duplex> {
  const reader = new SocketReader(socket, proxy.shown);
  const fail = (message: string) => {
    socket.destroy();
    return new ProxyError(`${proxy.shown} (SOCKS5) ${message}`);
  };
  const methods = proxy.username !== undefined ? [noAuth, userPass] : [noAuth];
  socket.write(Buffer.from([0x05, methods.length, ...methods]));
  const [version, method] = await reader.bytes(2);
  if (version !== 0x05) throw fail('is not a SOCKS5 proxy: its greeting answer has the wrong version');
  if (method === noAcceptable || !methods.includes(method!))
    throw fail(proxy.username !== undefined ? 'accepts none of the authentication methods PodLab offers (none, username/password)' : `requires authentication: put the user and password in ${proxy.setting} as socks5://USER:PASSWORD@host:port`);
  if (method === userPass) {
    const user = Buffer.from(proxy.username ?? '');
    const pass = Buffer.from(proxy.password ?? '');
    socket.write(Buffer.concat([Buffer.from([0x01, user.length]), user, Buffer.from([pass.length]), pass]));
    const [, status] = await reader.bytes(2);
    if (status !== 0x00) throw fail(`did not accept user "${proxy.username}": check the user and password in ${proxy.setting}`);
  }
  const portBytes = Buffer.alloc(2);
  portBytes.writeUInt16BE(port);
  socket.write(Buffer.concat([Buffer.from([0x05, 0x01, 0x00]), address(host), portBytes]));
  const [, reply, , addressType] = await reader.bytes(4);
  if (reply !== 0x00) throw fail(`refused the connection to ${host}:${port}: ${replies[reply!] ?? `reply code ${reply}`}`);
  // The bound address the proxy reports is of no use to a client; read past it.
  const boundLength = addressType === 0x01 ? 4 : addressType === 0x04 ? 16 : (await reader.bytes(1))[0]!;
  await reader.bytes(boundLength + 2);
  return reader.release();
}
