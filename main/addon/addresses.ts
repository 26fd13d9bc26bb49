// The ClusterIPs the add-on holds: each a /32 secondary address on its
// cluster-network interface, so the bridge delivers traffic for it here (the
// Service half of the subnet is outside Docker's ip-range, so no container
// gets one of them as its own). Done with `ip` (busybox in the Node.js
// Alpine image), which needs NET_ADMIN.

import { execFile } from 'node:child_process';
import { inSubnet } from './ipv4.ts';

export type Command = (program: string, args: string[]) => Promise<string>;

export const runCommand: Command = (program, args) =>
  new Promise((resolve, reject) => {
    execFile(program, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${program} ${args.join(' ')}: ${(stderr || error.message).trim()}`));
      else resolve(stdout);
    });
  });

interface InterfaceAddresses {
  name: string;
  /** The /32s on it. */
  held: Set<string>;
}

/** `ip -o -4 addr show` lines: `2: eth0    inet 10.244.0.3/16 brd 10.244.255.255 scope global eth0`. */
export function parseAddresses(output: string, subnet: string): InterfaceAddresses | undefined {
  const rows = output
    .split('\n')
    .map((line) => /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\/(\d+)/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ name: match[1]!.replace(/@.*$/, ''), address: match[2]!, prefix: Number(match[3]) }));
  const primary = rows.find((row) => row.prefix !== 32 && inSubnet(row.address, subnet));
  if (!primary) return undefined;
  return { name: primary.name, held: new Set(rows.filter((row) => row.name === primary.name && row.prefix === 32).map((row) => row.address)) };
}

export class AddressManager {
  constructor(private readonly run: Command = runCommand) {}

  /** Adds the missing addresses and removes the /32s no longer wanted; returns the ones held afterwards. */
  async sync(subnet: string, wanted: Set<string>): Promise<Set<string>> {
    const current = parseAddresses(await this.run('ip', ['-o', '-4', 'addr', 'show']), subnet);
    if (!current) throw new Error(`no interface with an address in ${subnet}`);
    for (const address of current.held) {
      if (wanted.has(address)) continue;
      await this.run('ip', ['addr', 'del', `${address}/32`, 'dev', current.name]).catch((error: Error) => console.error(error.message));
      current.held.delete(address);
    }
    for (const address of wanted) {
      if (current.held.has(address)) continue;
      try {
        await this.run('ip', ['addr', 'add', `${address}/32`, 'dev', current.name]);
        current.held.add(address);
        // Neighbours that cached another MAC for this address (a recreated add-on) learn the new one now.
        this.run('arping', ['-U', '-c', '1', '-I', current.name, '-s', address, address]).catch(() => undefined);
      } catch (error) {
        console.error((error as Error).message);
      }
    }
    return current.held;
  }
}
